// Tables owned by auth (migrations 100-199).
#pragma once

#include <vector>

#include "store/meta/migrations.h"

namespace moebius::auth {
std::vector<store::Migration> AuthMigrations();
}  // namespace moebius::auth
