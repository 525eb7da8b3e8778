// Readable default run names ("bold-fox-417"), like MLflow's, so a run is recognizable in lists
// before anyone names it.
#pragma once

#include <string>

namespace moebius::tracking {
std::string GenerateRunName();
}  // namespace moebius::tracking
