// The data directory's file modes. It holds secrets — connection passwords, environment secrets
// and CSRF tokens in meta.db (and its WAL and SHM), keys under secrets/, the initial admin
// password — so it is private to the server's user: the directory 0700, those files 0600.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace moebius::store {

// Creates `dir` (0700) if missing. For an existing directory, tightens the directory, meta.db,
// meta.db-wal, meta.db-shm, meta.db-journal, initial-admin-password and secrets/ (and its files)
// wherever group or others have any access, and returns one line per path it fixed, for the
// caller to warn about. kFailedPrecondition naming the path when one cannot be fixed (the
// server's user does not own it): the server refuses to start rather than run with it open.
Result<std::vector<std::string>> SecureDataDir(const std::string& dir);

}  // namespace moebius::store
