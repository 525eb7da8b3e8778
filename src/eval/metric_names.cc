#include "eval/metric_names.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

namespace moebius::eval {
namespace {

bool IsSeparator(char c) { return c == '.' || c == '_' || c == '-' || c == '/' || c == ' '; }

// Lower-case words of a metric name: `perf.latency_p99_ms` → {perf, latency, p99, ms}.
std::vector<std::string> Words(std::string_view name) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : name) {
    if (IsSeparator(c)) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// Lower case with every separator as '_', so `test.f1` and `Test_F1` compare equal.
std::string Normal(std::string_view name) {
  std::string out;
  for (char c : name) out.push_back(IsSeparator(c) ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::optional<std::string> RunMetrics::Resolve(std::string_view name) const {
  if (auto it = logged_.find(std::string(name)); it != logged_.end()) return it->first;
  // `E.M` → `E_M`: the metric M of evaluation E, as the evaluations endpoint logs it.
  size_t dot = name.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return std::nullopt;
  std::string flat = std::string(name.substr(0, dot)) + "_" + std::string(name.substr(dot + 1));
  if (auto it = logged_.find(flat); it != logged_.end()) return it->first;
  return std::nullopt;
}

std::optional<double> RunMetrics::Value(std::string_view name) const {
  auto key = Resolve(name);
  if (!key) return std::nullopt;
  return logged_.at(*key);
}

std::vector<std::string> RunMetrics::CloseNames(std::string_view name, size_t max) const {
  const std::vector<std::string> words = Words(name);
  const std::set<std::string> wanted(words.begin(), words.end());
  // In `E.M`, the words of M: the same metric of another evaluation is a likely meaning.
  const size_t dot = name.find('.');
  const std::vector<std::string> metric_words = dot == std::string_view::npos ? std::vector<std::string>() : Words(name.substr(dot + 1));
  const std::string normal = Normal(name);
  const size_t typos = std::max<size_t>(1, normal.size() / 4);
  auto has_all = [](const std::set<std::string>& have, const std::vector<std::string>& ws) {
    if (ws.empty()) return false;
    for (const auto& w : ws)
      if (!have.count(w)) return false;
    return true;
  };
  // (class, closeness, length, key), best first: 0 holds every word of the name (fewer other
  // words first); 1 is a few edits away; 2 holds every word of the metric part of `E.M`; 3
  // shares at least half of a several-word name, offered only when nothing closer is.
  std::vector<std::tuple<int, size_t, size_t, std::string>> ranked;
  for (const auto& [key, value] : logged_) {
    (void)value;
    if (key == name) continue;
    std::vector<std::string> kw = Words(key);
    std::set<std::string> have(kw.begin(), kw.end());
    size_t shared = 0;
    for (const auto& w : wanted) shared += have.count(w);
    size_t d = 0;
    if (has_all(have, words)) {
      ranked.emplace_back(0, have.size() - shared, key.size(), key);
    } else if ((d = EditDistance(normal, Normal(key))) <= typos) {
      ranked.emplace_back(1, d, key.size(), key);
    } else if (has_all(have, metric_words)) {
      ranked.emplace_back(2, have.size() - shared, key.size(), key);
    } else if (wanted.size() >= 2 && shared * 2 >= wanted.size()) {
      ranked.emplace_back(3, wanted.size() - shared, key.size(), key);
    }
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> out;
  for (const auto& r : ranked) {
    if (out.size() >= max || (std::get<0>(r) == 3 && !out.empty())) break;
    out.push_back(std::get<3>(r));
  }
  return out;
}

Evaluation RunMetrics::Evaluate(const Criteria& criteria) const {
  Evaluation ev = criteria.Evaluate([this](std::string_view name) { return Value(name); });
  for (auto& c : ev.clauses) c.logged_as = Resolve(c.metric).value_or("");
  for (const auto& m : ev.missing) ev.close[m] = CloseNames(m);
  return ev;
}

Json EvaluationToJson(const Evaluation& ev) {
  Json clauses = Json::array();
  for (const auto& c : ev.clauses) {
    Json j{{"text", c.text}, {"metric", c.metric}, {"passed", c.passed}};
    j["logged_as"] = c.logged_as.empty() ? Json(nullptr) : Json(c.logged_as);
    j["actual"] = c.actual && std::isfinite(*c.actual) ? Json(*c.actual) : Json(nullptr);
    clauses.push_back(j);
  }
  Json close = Json::object();
  for (const auto& [name, keys] : ev.close) close[name] = keys;
  return Json{{"passed", ev.passed}, {"clauses", clauses}, {"missing", ev.missing}, {"close", close}};
}

}  // namespace moebius::eval
