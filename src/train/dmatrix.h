// DMatrix: XGBoost's training/prediction matrix behind an RAII type with Status errors.
// dmatrix.cc and booster.cc are the only translation units that include xgboost/c_api.h.
//
// Thread safety: immutable after its labels, groups and names are set; several boosters may
// read one DMatrix. Copies share the handle.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace moebius::train {

// An XGBoost C API return code as a Status: kInvalidArgument "xgboost WHAT: <XGBoost's message>".
Status XgbCheck(int rc, const char* what);

class DMatrix {
 public:
  // A dense row-major matrix (rows × cols floats, NaN = missing), copied into XGBoost.
  static Result<DMatrix> FromDense(const std::vector<float>& values, size_t rows, size_t cols, int threads);
  Status SetLabels(const std::vector<float>& labels);
  // Ranking: the sizes of consecutive query groups (rows of one query are contiguous).
  Status SetGroups(const std::vector<unsigned>& sizes);
  Status SetFeatureNames(const std::vector<std::string>& names);
  size_t rows() const { return rows_; }
  size_t cols() const { return cols_; }
  void* handle() const { return handle_.get(); }

 private:
  std::shared_ptr<void> handle_;
  size_t rows_ = 0, cols_ = 0;
};

}  // namespace moebius::train
