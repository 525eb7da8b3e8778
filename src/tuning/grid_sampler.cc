// Grid sampler: every combination of the parameters' grid values, in a fixed order (the first
// parameter varies slowest), skipping combinations any trial of the study already has, running
// ones included, so parallel asks never repeat a point. Inactive conditional parameters do not
// multiply the grid: a child is enumerated only under the parent values that activate it.
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>

#include "tuning/sampler.h"

namespace moebius::tuning {
namespace {

std::string Key(std::span<const double> params) {
  std::string k(params.size() * sizeof(double), '\0');
  for (size_t i = 0; i < params.size(); ++i) {
    double v = IsSet(params[i]) ? params[i] + 0.0 : kInactive;  // -0 -> 0, one NaN
    std::memcpy(k.data() + i * sizeof(double), &v, sizeof(double));
  }
  return k;
}

class GridSampler final : public Sampler {
 public:
  explicit GridSampler(const GridOptions& o) : options_(o) {}

  Result<Params> Sample(const SearchSpace& space, Direction, std::span<const Trial> trials, int64_t) override {
    if (!built_) {
      RETURN_IF_ERROR(Build(space));
      built_ = true;
    }
    for (; seen_ < trials.size(); ++seen_) {
      auto it = index_.find(Key(trials[seen_].params));
      if (it != index_.end()) used_[it->second] = true;
    }
    while (next_ < points_.size() && used_[next_]) ++next_;
    if (next_ >= points_.size()) {
      return FailedPrecondition("grid exhausted: all " + std::to_string(points_.size()) + " points have trials");
    }
    used_[next_] = true;
    return points_[next_];
  }
  std::string name() const override { return "grid"; }

 private:
  Status Build(const SearchSpace& space) {
    values_.resize(space.size());
    for (size_t i = 0; i < space.size(); ++i) {
      const ParamSpec& p = space.param(i);
      size_t n = space.Cardinality(i);
      if (n > options_.max_points) {
        return InvalidArgument("grid: parameter '" + p.name + "' has more than " + std::to_string(options_.max_points) + " values");
      }
      if (p.kind == ParamKind::kCategorical) {
        for (size_t c = 0; c < n; ++c) values_[i].push_back(static_cast<double>(c));
      } else if (n > 0) {
        for (size_t k = 0; k < n; ++k) values_[i].push_back(space.Snap(i, p.low + static_cast<double>(k) * p.step));
      } else {
        int m = options_.float_points;
        for (int k = 0; k < m; ++k) {
          double t = static_cast<double>(k) / (m - 1);
          double v = p.log ? std::exp(std::log(p.low) + t * (std::log(p.high) - std::log(p.low)))
                           : p.low + t * (p.high - p.low);
          values_[i].push_back(k == m - 1 ? p.high : (k == 0 ? p.low : v));
        }
      }
    }
    Params cur(space.size(), kInactive);
    RETURN_IF_ERROR(Enumerate(space, 0, cur));
    used_.assign(points_.size(), false);
    for (size_t k = 0; k < points_.size(); ++k) index_.emplace(Key(points_[k]), k);
    return Status::Ok();
  }

  Status Enumerate(const SearchSpace& space, size_t i, Params& cur) {
    if (i == space.size()) {
      if (points_.size() >= options_.max_points) {
        return InvalidArgument("grid: more than " + std::to_string(options_.max_points) + " points");
      }
      points_.push_back(cur);
      return Status::Ok();
    }
    if (!space.IsActive(i, cur)) {
      cur[i] = kInactive;
      return Enumerate(space, i + 1, cur);
    }
    for (double v : values_[i]) {
      cur[i] = v;
      RETURN_IF_ERROR(Enumerate(space, i + 1, cur));
    }
    cur[i] = kInactive;
    return Status::Ok();
  }

  GridOptions options_;
  bool built_ = false;
  std::vector<std::vector<double>> values_;
  std::vector<Params> points_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<bool> used_;
  size_t seen_ = 0;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<Sampler> NewGridSampler(const GridOptions& options) {
  return std::make_unique<GridSampler>(options);
}

}  // namespace moebius::tuning
