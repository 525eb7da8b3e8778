#include "serving/ab_test.h"

#include <algorithm>
#include <cmath>

namespace moebius::serving {
namespace {

// The continued fraction of the regularized incomplete beta function (modified Lentz).
double BetaFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300, kEps = 1e-15;
  double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 300; ++m) {
    int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < kEps) break;
  }
  return h;
}

// I_x(a, b).
double RegularizedBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * BetaFraction(a, b, x) / a;
  return 1 - front * BetaFraction(b, a, 1 - x) / b;
}

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

double SampleVariance(const std::vector<double>& v, double mean) {
  if (v.size() < 2) return 0;
  double s = 0;
  for (double x : v) s += (x - mean) * (x - mean);
  return s / static_cast<double>(v.size() - 1);
}

const Json* FirstOutputValue(const Json& record) {
  if (!record.contains("outputs") || !record["outputs"].is_object() || record["outputs"].empty()) return nullptr;
  const Json& out = record["outputs"].begin().value();
  if (!out.contains("data") || !out["data"].is_array() || out["data"].empty()) return nullptr;
  return &out["data"][0];
}

}  // namespace

double NormalTwoSidedP(double z) { return std::erfc(std::fabs(z) / std::sqrt(2.0)); }

double StudentTwoSidedP(double t, double df) {
  if (!(df > 0) || !std::isfinite(t)) return std::isfinite(t) ? 1.0 : 0.0;
  return RegularizedBeta(df / 2, 0.5, df / (df + t * t));
}

TestResult TwoProportionZ(int64_t k1, int64_t n1, int64_t k2, int64_t n2) {
  TestResult r;
  if (n1 <= 0 || n2 <= 0) return r;
  double p1 = static_cast<double>(k1) / n1, p2 = static_cast<double>(k2) / n2;
  double pooled = static_cast<double>(k1 + k2) / static_cast<double>(n1 + n2);
  double se = std::sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
  if (!(se > 0)) return r;
  r.statistic = (p1 - p2) / se;
  r.p = NormalTwoSidedP(r.statistic);
  return r;
}

TestResult WelchT(int64_t n1, double mean1, double var1, int64_t n2, double mean2, double var2) {
  TestResult r;
  if (n1 < 2 || n2 < 2) return r;
  double a = var1 / n1, b = var2 / n2;
  if (!(a + b > 0)) {
    if (mean1 != mean2) r.p = 0;
    return r;
  }
  r.statistic = (mean1 - mean2) / std::sqrt(a + b);
  r.df = (a + b) * (a + b) / (a * a / (n1 - 1) + b * b / (n2 - 1));
  r.p = StudentTwoSidedP(r.statistic, r.df);
  return r;
}

Result<AbMetric> ParseAbMetric(const std::string& name, const std::string& label, double threshold) {
  AbMetric m;
  if (name != "accuracy" && name != "mse" && name != "mae") return InvalidArgument("metric must be accuracy, mse or mae, got '" + name + "'");
  if (label.empty() || label.size() > 128) return InvalidArgument("label must name the feedback field holding the truth");
  if (!(threshold > 0 && threshold < 1)) return InvalidArgument("threshold must be between 0 and 1");
  m.name = name;
  m.label = label;
  m.threshold = threshold;
  return m;
}

bool ScoreCapture(const Json& record, const AbMetric& metric, std::vector<ArmScores>& arms) {
  if (record.value("shadow", false) || !record.contains("feedback")) return false;
  const Json& fb = record["feedback"];
  const Json* truth = fb.is_number() ? &fb : (fb.is_object() && fb.contains(metric.label) ? &fb[metric.label] : nullptr);
  const Json* out = FirstOutputValue(record);
  if (!truth || !out || !out->is_number()) return false;
  double y = truth->is_boolean() ? (truth->get<bool>() ? 1.0 : 0.0) : truth->is_number() ? truth->get<double>() : NAN;
  if (!std::isfinite(y)) return false;
  double p = out->get<double>();
  double value;
  if (metric.name == "accuracy") {
    // A probability (0..1) is thresholded; a class index (softmax) is compared as it is.
    double predicted = p >= 0 && p <= 1 && (y == 0 || y == 1) ? (p >= metric.threshold ? 1 : 0) : std::round(p);
    value = predicted == y ? 1 : 0;
  } else {
    double e = p - y;
    value = metric.name == "mse" ? e * e : std::fabs(e);
  }
  std::string variant = record.value("variant", "");
  auto it = std::find_if(arms.begin(), arms.end(), [&](const ArmScores& a) { return a.variant == variant; });
  if (it == arms.end()) it = arms.insert(arms.end(), ArmScores{variant, {}});
  it->values.push_back(value);
  return true;
}

Json CompareArms(const std::vector<ArmScores>& arms, const AbMetric& metric, const std::string& control, double alpha) {
  const ArmScores* base = nullptr;
  for (const auto& a : arms)
    if (a.variant == control) base = &a;
  Json out{{"metric", metric.name}, {"label", metric.label}, {"control", control}, {"alpha", alpha}, {"arms", Json::array()}};
  double base_mean = base ? Mean(base->values) : 0, base_var = base ? SampleVariance(base->values, base_mean) : 0;
  for (const auto& a : arms) {
    double mean = Mean(a.values), var = SampleVariance(a.values, mean);
    int64_t n = static_cast<int64_t>(a.values.size());
    double half = n > 1 ? 1.959963984540054 * std::sqrt(var / n) : 0;
    Json arm{{"variant", a.variant}, {"n", n}, {"value", mean}, {"ci95", {mean - half, mean + half}}};
    if (base && &a != base) {
      TestResult t;
      if (metric.name == "accuracy") {
        auto successes = [](const ArmScores& s) { return static_cast<int64_t>(std::llround(Mean(s.values) * s.values.size())); };
        t = TwoProportionZ(successes(a), n, successes(*base), static_cast<int64_t>(base->values.size()));
      } else {
        t = WelchT(n, mean, var, static_cast<int64_t>(base->values.size()), base_mean, base_var);
      }
      arm["vs_control"] = {{"difference", mean - base_mean},
                           {"test", metric.name == "accuracy" ? "two-proportion z" : "Welch t"},
                           {"statistic", t.statistic},
                           {"df", t.df},
                           {"p", t.p},
                           {"significant", t.p < alpha}};
    }
    out["arms"].push_back(arm);
  }
  return out;
}

}  // namespace moebius::serving
