#pragma once
// The git revision this binary was built from ("unknown" outside a git
// checkout). It lives in one generated translation unit, rewritten by
// src/app/build_revision.cmake at every build only when the revision moved,
// so a commit recompiles that unit and relinks instead of rebuilding every
// file (as a -D on the library did), and a build after a commit never
// reports the revision of the last configure.
namespace edgestat {

extern const char kBuildRevision[];

}  // namespace edgestat
