#pragma once
// `edgestat hash-password [--iterations=N] [--user=NAME]`: reads a password
// (from the terminal with echo off, asked twice; or the first line of a
// non-terminal stdin) and prints its salted PBKDF2-SHA256 hash for
// [auth] users, as "$pbkdf2-sha256$..." or "NAME:$pbkdf2-sha256$...". The
// password is never taken from argv, where ps and shell history see it.
namespace edgestat {

int run_hash_password(int argc, char** argv);

}  // namespace edgestat
