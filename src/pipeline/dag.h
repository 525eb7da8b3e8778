// Directed acyclic graphs of pipeline steps: topological order and cycle detection.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace moebius::pipeline {

// `nodes` in an order where every node comes after the nodes it depends on; among nodes that are
// ready at the same time, the one listed first in `nodes` goes first (so the order is stable).
// `deps[i]` are the nodes that nodes[i] depends on. kInvalidArgument naming the steps of one
// cycle ("the steps form a cycle: a -> b -> a") or an unknown dependency.
Result<std::vector<std::string>> TopologicalOrder(const std::vector<std::string>& nodes,
                                                  const std::vector<std::vector<std::string>>& deps);

}  // namespace moebius::pipeline
