#pragma once
// The agent's helper threads (records writer, statfs worker): one way to
// start them, so each gets a small fixed stack and leaves every signal to
// the loop thread, which handles SIGTERM/SIGHUP through libuv.
#include <pthread.h>

#include <cstddef>

namespace edgestat {

// Starts fn(arg) with stack_bytes of stack and all signals blocked (the new
// thread inherits the mask in force at pthread_create), named name (15
// characters at most, as the kernel keeps). Detached threads cannot be
// joined. Returns pthread_create's error number, 0 on success.
int start_thread(pthread_t* out, void* (*fn)(void*), void* arg, size_t stack_bytes, bool detached, const char* name);

}  // namespace edgestat
