// Numbered schema migrations. Each domain owns its tables and exposes its migrations; the app
// gathers them and Migrate() applies the missing ones in version order, each in its own
// transaction, recording them in schema_migrations.
//
// Version ranges by owner (as used): store 1-99, auth 100-199, project 200-299, tracking 300-399,
// data 400-499, jobs 600-699, hpo 700-799, environments and code 800-899, confirmed packages
// (report) 900-999, pipelines 1000-1099, registry 1100-1199, serving 1200-1299, labeling
// 1300-1399; next free: 1400 (monitoring), 1500 (governance).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "store/meta/database.h"

namespace moebius::store {

struct Migration {
  int version;
  std::string name;
  // Statements separated by ";\n". Portable SQL (see database.h).
  std::string sql;
};

// Fails with kFailedPrecondition if the database has a migration this binary does not know
// (it was written by a newer version).
Status Migrate(Database& db, std::vector<Migration> migrations);

}  // namespace moebius::store
