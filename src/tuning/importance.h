// Parameter importance by mean decrease in impurity (MDI) of a random-forest surrogate.
//
// A forest of regression trees is fitted to (parameters -> first objective value) of the
// complete trials; a parameter's importance is the total reduction of squared error achieved by
// splits on it, summed over all trees and normalized so the importances sum to 1. This is
// simpler than Optuna's default fANOVA (which decomposes the forest's variance) and is the
// scikit-learn feature_importances_ definition; both rank parameters by how much of the
// objective's variation the forest explains with them. Inactive conditional parameters are
// encoded below their domain, so splitting on "was it active" counts for that parameter;
// categoricals are split as ordered choice indices; log parameters in log space.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "tuning/space.h"
#include "tuning/trial.h"

namespace moebius::tuning {

struct ImportanceOptions {
  int n_trees = 64;
  int max_depth = 8;
  uint64_t seed = 0;
};

// (name, importance) for every parameter of the space, most important first; ties in space
// order. kFailedPrecondition with fewer than two complete trials. Deterministic for a seed.
Result<std::vector<std::pair<std::string, double>>> ParamImportance(const SearchSpace& space,
                                                                    std::span<const Trial> trials,
                                                                    const ImportanceOptions& options = {});

}  // namespace moebius::tuning
