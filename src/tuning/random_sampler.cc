// Random sampler, the uniform draw every sampler falls back on, and SamplerFromJson.
#include <cmath>
#include <set>

#include "tuning/rng.h"
#include "tuning/sampler.h"

namespace moebius::tuning {

double SampleUniform(const SearchSpace& space, size_t i, Rng& rng) {
  const ParamSpec& p = space.param(i);
  if (p.kind == ParamKind::kCategorical) return static_cast<double>(rng.Below(p.choices.size()));
  if (p.log) {
    double lo = p.kind == ParamKind::kInt ? p.low - 0.5 : p.low;
    double hi = p.kind == ParamKind::kInt ? p.high + 0.5 : p.high;
    double v = std::exp(rng.Uniform(std::log(lo), std::log(hi)));
    return space.Snap(i, v);
  }
  if (p.step > 0) {
    uint64_t n = space.Cardinality(i);
    return space.Snap(i, p.low + static_cast<double>(rng.Below(n)) * p.step);
  }
  return std::min(rng.Uniform(p.low, p.high), p.high);
}

namespace {

class RandomSampler final : public Sampler {
 public:
  explicit RandomSampler(const RandomOptions& o) : rng_(o.seed) {}

  Result<Params> Sample(const SearchSpace& space, Direction, std::span<const Trial>, int64_t) override {
    Params out(space.size(), kInactive);
    for (size_t i = 0; i < space.size(); ++i) {
      if (space.IsActive(i, out)) out[i] = SampleUniform(space, i, rng_);
    }
    return out;
  }
  std::string name() const override { return "random"; }

 private:
  Rng rng_;
};

Status CheckFields(const Json& j, const std::set<std::string>& allowed) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!allowed.count(it.key())) return InvalidArgument("sampler: unknown field '" + it.key() + "'");
  }
  return Status::Ok();
}

template <typename T>
Status Get(const Json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) return InvalidArgument(std::string("sampler: '") + key + "' is not a boolean");
  } else if constexpr (std::is_integral_v<T>) {
    if (!it->is_number_integer() || (std::is_unsigned_v<T> && it->get<int64_t>() < 0 && !it->is_number_unsigned())) {
      return InvalidArgument(std::string("sampler: '") + key + "' is not a non-negative integer");
    }
  } else {
    if (!it->is_number()) return InvalidArgument(std::string("sampler: '") + key + "' is not a number");
  }
  out = it->get<T>();
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Sampler> NewRandomSampler(const RandomOptions& options) {
  return std::make_unique<RandomSampler>(options);
}

Result<std::unique_ptr<Sampler>> SamplerFromJson(const Json& j) {
  if (!j.is_object()) return InvalidArgument("sampler: not an object");
  auto type = j.find("type");
  if (type == j.end() || !type->is_string()) return InvalidArgument("sampler: missing 'type'");
  const std::string t = type->get<std::string>();
  if (t == "random") {
    RandomOptions o;
    RETURN_IF_ERROR(CheckFields(j, {"type", "seed"}));
    RETURN_IF_ERROR(Get(j, "seed", o.seed));
    return NewRandomSampler(o);
  }
  if (t == "grid") {
    GridOptions o;
    RETURN_IF_ERROR(CheckFields(j, {"type", "float_points"}));
    RETURN_IF_ERROR(Get(j, "float_points", o.float_points));
    if (o.float_points < 2 || o.float_points > 1000) return InvalidArgument("sampler: 'float_points' must be in [2, 1000]");
    return NewGridSampler(o);
  }
  if (t == "tpe") {
    TpeOptions o;
    RETURN_IF_ERROR(CheckFields(j, {"type", "seed", "n_startup_trials", "n_ei_candidates", "prior_weight",
                                    "consider_prior", "consider_magic_clip", "consider_endpoints", "multivariate",
                                    "group", "constant_liar", "gamma_ratio", "gamma_max", "scott_bandwidth",
                                    "optuna31_kernels"}));
    RETURN_IF_ERROR(Get(j, "seed", o.seed));
    RETURN_IF_ERROR(Get(j, "n_startup_trials", o.n_startup_trials));
    RETURN_IF_ERROR(Get(j, "n_ei_candidates", o.n_ei_candidates));
    RETURN_IF_ERROR(Get(j, "prior_weight", o.prior_weight));
    RETURN_IF_ERROR(Get(j, "consider_prior", o.consider_prior));
    RETURN_IF_ERROR(Get(j, "consider_magic_clip", o.consider_magic_clip));
    RETURN_IF_ERROR(Get(j, "consider_endpoints", o.consider_endpoints));
    RETURN_IF_ERROR(Get(j, "multivariate", o.multivariate));
    RETURN_IF_ERROR(Get(j, "group", o.group));
    RETURN_IF_ERROR(Get(j, "constant_liar", o.constant_liar));
    RETURN_IF_ERROR(Get(j, "gamma_ratio", o.gamma_ratio));
    RETURN_IF_ERROR(Get(j, "gamma_max", o.gamma_max));
    RETURN_IF_ERROR(Get(j, "scott_bandwidth", o.scott_bandwidth));
    RETURN_IF_ERROR(Get(j, "optuna31_kernels", o.optuna31_kernels));
    if (o.n_startup_trials < 0 || o.n_ei_candidates < 1 || o.n_ei_candidates > 10000) {
      return InvalidArgument("sampler: n_startup_trials must be >= 0 and n_ei_candidates in [1, 10000]");
    }
    if (!(o.prior_weight > 0) || !(o.gamma_ratio > 0 && o.gamma_ratio <= 1) || o.gamma_max < 1) {
      return InvalidArgument("sampler: prior_weight must be > 0, gamma_ratio in (0, 1], gamma_max >= 1");
    }
    if (o.group && !o.multivariate) return InvalidArgument("sampler: 'group' needs 'multivariate'");
    if (o.scott_bandwidth && !o.multivariate) return InvalidArgument("sampler: 'scott_bandwidth' needs 'multivariate'");
    return NewTpeSampler(o);
  }
  if (t == "cmaes") {
    CmaEsOptions o;
    RETURN_IF_ERROR(CheckFields(j, {"type", "seed", "n_startup_trials", "separable", "ipop", "inc_popsize", "popsize", "sigma0"}));
    RETURN_IF_ERROR(Get(j, "seed", o.seed));
    RETURN_IF_ERROR(Get(j, "n_startup_trials", o.n_startup_trials));
    RETURN_IF_ERROR(Get(j, "separable", o.separable));
    RETURN_IF_ERROR(Get(j, "ipop", o.ipop));
    RETURN_IF_ERROR(Get(j, "inc_popsize", o.inc_popsize));
    RETURN_IF_ERROR(Get(j, "popsize", o.popsize));
    RETURN_IF_ERROR(Get(j, "sigma0", o.sigma0));
    if (o.n_startup_trials < 0 || o.popsize < 0 || o.popsize > 100000 || o.inc_popsize < 1 || !(o.sigma0 >= 0)) {
      return InvalidArgument("sampler: cmaes options out of range");
    }
    return NewCmaEsSampler(o);
  }
  if (t == "tpe_cmaes") {
    TpeCmaEsOptions o;
    RETURN_IF_ERROR(CheckFields(j, {"type", "seed", "n_tpe_trials", "top_fraction", "popsize"}));
    RETURN_IF_ERROR(Get(j, "seed", o.seed));
    RETURN_IF_ERROR(Get(j, "n_tpe_trials", o.n_tpe_trials));
    RETURN_IF_ERROR(Get(j, "top_fraction", o.top_fraction));
    RETURN_IF_ERROR(Get(j, "popsize", o.popsize));
    if (o.n_tpe_trials < 1 || o.n_tpe_trials > 1000000 || !(o.top_fraction > 0 && o.top_fraction <= 1) || o.popsize < 0 ||
        o.popsize > 100000) {
      return InvalidArgument("sampler: tpe_cmaes needs n_tpe_trials in [1, 1000000], top_fraction in (0, 1], popsize in [0, 100000]");
    }
    return NewTpeCmaEsSampler(o);
  }
  return InvalidArgument("sampler: unknown type '" + t + "' (random, grid, tpe, cmaes or tpe_cmaes)");
}

}  // namespace moebius::tuning
