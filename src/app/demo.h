// The demo project `make up` starts with: a task with acceptance criteria, an experiment and
// a dozen runs with parameters and metric curves, generated deterministically so the UI has
// something to show. Runs are tagged `moebius.demo=true`; nothing here claims a real training.
#pragma once

#include "api/services.h"
#include "base/status.h"

namespace moebius::app {
Status LoadDemo(api::Services& services);
}  // namespace moebius::app
