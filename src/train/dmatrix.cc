#include "train/dmatrix.h"

#include <xgboost/c_api.h>

#include <cmath>

namespace moebius::train {
namespace {

std::shared_ptr<void> OwnMatrix(DMatrixHandle h) {
  return std::shared_ptr<void>(h, [](void* p) { XGDMatrixFree(p); });
}
}  // namespace

Status XgbCheck(int rc, const char* what) {
  if (rc == 0) return Status::Ok();
  std::string err = XGBGetLastError();
  // XGBoost prefixes messages with "[time] file:line: "; keep the part meant for a person.
  auto pos = err.find(": ");
  if (err.rfind("[", 0) == 0 && pos != std::string::npos) err = err.substr(pos + 2);
  while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
  return InvalidArgument(std::string("xgboost ") + what + ": " + err);
}

Result<DMatrix> DMatrix::FromDense(const std::vector<float>& values, size_t rows, size_t cols, int threads) {
  if (values.size() != rows * cols) return Internal("DMatrix::FromDense: size mismatch");
  DMatrixHandle h = nullptr;
  static const float kEmpty = 0;
  RETURN_IF_ERROR(XgbCheck(XGDMatrixCreateFromMat_omp(values.empty() ? &kEmpty : values.data(), rows, cols, std::nanf(""), &h,
                                                   threads),
                        "creating a matrix"));
  DMatrix m;
  m.handle_ = OwnMatrix(h);
  m.rows_ = rows;
  m.cols_ = cols;
  return m;
}

Status DMatrix::SetLabels(const std::vector<float>& labels) {
  return XgbCheck(XGDMatrixSetFloatInfo(handle(), "label", labels.data(), labels.size()), "setting labels");
}

Status DMatrix::SetGroups(const std::vector<unsigned>& sizes) {
  return XgbCheck(XGDMatrixSetUIntInfo(handle(), "group", sizes.data(), sizes.size()), "setting query groups");
}

Status DMatrix::SetFeatureNames(const std::vector<std::string>& names) {
  std::vector<const char*> p;
  for (const auto& n : names) p.push_back(n.c_str());
  return XgbCheck(XGDMatrixSetStrFeatureInfo(handle(), "feature_name", p.data(), p.size()), "setting feature names");
}

}  // namespace moebius::train
