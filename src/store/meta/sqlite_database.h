// SQLite backend: WAL mode, one writer connection behind a mutex, a pool of reader connections.
// With synchronous=NORMAL (the default) an acknowledged commit survives a crash of the process
// (kill -9); synchronous_full also makes it survive power loss, at one fsync per commit.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "store/meta/database.h"

namespace moebius::store {

struct SqliteOptions {
  int reader_pool_size = 4;
  int busy_timeout_ms = 10000;
  bool synchronous_full = false;
};

// A database file that does not exist yet is created with mode 0600 (its WAL and SHM follow).
Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const SqliteOptions& options = {});

}  // namespace moebius::store
