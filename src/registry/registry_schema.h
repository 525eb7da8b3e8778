// The registry's tables (migration 1000; notes in registry_schema.cc).
#pragma once

#include <vector>

#include "store/meta/migrations.h"

namespace moebius::registry {

std::vector<store::Migration> RegistryMigrations();

}  // namespace moebius::registry
