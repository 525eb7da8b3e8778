// The registry's tables (migrations 1100 and 1101; notes in registry_schema.cc).
#pragma once

#include <vector>

#include "store/meta/migrations.h"

namespace moebius::registry {

std::vector<store::Migration> RegistryMigrations();

}  // namespace moebius::registry
