// Tables owned by data (migrations 400-499).
#pragma once

#include <vector>

#include "store/meta/migrations.h"

namespace moebius::data {
std::vector<store::Migration> DataMigrations();
}  // namespace moebius::data
