// Tables owned by tracking (migrations 300-399).
#pragma once

#include <vector>

#include "store/meta/migrations.h"

namespace moebius::tracking {

std::vector<store::Migration> TrackingMigrations();

}  // namespace moebius::tracking
