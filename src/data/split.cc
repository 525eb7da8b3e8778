#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <random>

#include "base/json_reader.h"

namespace moebius::data {
namespace {

std::string MetaString(const std::string& meta, const std::string& key) {
  Json j = Json::parse(meta, nullptr, false);
  if (!j.is_object() || !j.contains(key)) return "";
  const Json& v = j[key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string SetMeta(const std::string& meta, const std::string& key, const Json& value) {
  Json j = Json::parse(meta, nullptr, false);
  if (!j.is_object()) j = Json::object();
  j[key] = value;
  return j.dump();
}

// Fisher-Yates with our own index draws, so a seed means the same order on every platform.
void Shuffle(std::vector<size_t>& idx, std::mt19937_64& rng) {
  for (size_t i = idx.size(); i > 1; --i) std::swap(idx[i - 1], idx[rng() % i]);
}

// Cuts n items into parts by ratio: floor of each share, then the remainders to the largest
// fractional parts (ties to the earlier split).
std::vector<size_t> Cut(size_t n, const std::vector<std::pair<std::string, double>>& ratios) {
  std::vector<size_t> sizes(ratios.size());
  std::vector<std::pair<double, size_t>> frac;
  size_t used = 0;
  for (size_t k = 0; k < ratios.size(); ++k) {
    double exact = ratios[k].second * static_cast<double>(n);
    sizes[k] = static_cast<size_t>(std::floor(exact + 1e-9));
    used += sizes[k];
    frac.push_back({exact - std::floor(exact + 1e-9), k});
  }
  std::stable_sort(frac.begin(), frac.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; used < n; ++i, ++used) sizes[frac[i % frac.size()].second]++;
  return sizes;
}

}  // namespace

Json SplitReport::ToJson() const {
  Json c = Json::object(), k = Json::object();
  for (const auto& [s, n] : counts) c[s] = n;
  for (const auto& [s, labels] : classes) {
    Json l = Json::object();
    for (const auto& [label, n] : labels) l[label] = n;
    k[s] = l;
  }
  return {{"counts", c}, {"classes", k}};
}

Status ValidateSplitSpec(const SplitSpec& s) {
  static const char* kMethods[] = {"random", "stratified", "kfold", "group", "time"};
  if (std::find(std::begin(kMethods), std::end(kMethods), s.method) == std::end(kMethods))
    return InvalidArgument("split method '" + s.method + "' is not one of: random, stratified, kfold, group, time");
  if (s.method == "kfold") {
    if (s.folds < 2 || s.folds > 20) return InvalidArgument("folds must be between 2 and 20");
    return Status::Ok();
  }
  if (s.ratios.empty() || s.ratios.size() > 10) return InvalidArgument("give 1 to 10 split ratios");
  double sum = 0;
  for (const auto& [name, r] : s.ratios) {
    if (name.empty() || name.size() > 32) return InvalidArgument("split names must be 1 to 32 characters");
    if (!(r > 0) || r > 1) return InvalidArgument("split ratio for '" + name + "' must be in (0, 1]");
    sum += r;
  }
  if (std::fabs(sum - 1) > 1e-9) return InvalidArgument("split ratios must sum to 1, they sum to " + std::to_string(sum));
  return Status::Ok();
}

Result<SplitSpec> SplitSpecFromJson(const Json& json) {
  // Proto3 spellings ("42" for a seed) are taken, as the flat helpers this replaced took them.
  JsonReader j = JsonReader(json, "split").Proto3();
  RETURN_IF_ERROR(j.ExpectObject());
  SplitSpec s;
  ASSIGN_OR_RETURN(s.method, j.Get<std::string>("method", s.method));
  ASSIGN_OR_RETURN(std::optional<JsonReader> ratios, j.Find("ratios"));
  if (ratios) {
    if (!ratios->json().is_object()) return InvalidArgument("split.ratios must be an object like {\"train\": 0.8, \"test\": 0.2}");
    s.ratios.clear();
    ASSIGN_OR_RETURN(auto members, ratios->Members());
    for (const auto& [name, value] : members) {
      if (!value.json().is_number()) return value.Invalid("must be a number (split.ratios values are numbers)");
      s.ratios.push_back({name, value.json().get<double>()});
    }
    // JSON objects are unordered; keep a canonical order: train, val, test, then by name.
    auto rank = [](const std::string& n) { return n == "train" ? 0 : n == "val" || n == "validation" ? 1 : n == "test" ? 2 : 3; };
    std::stable_sort(s.ratios.begin(), s.ratios.end(), [&](const auto& a, const auto& b) {
      return rank(a.first) != rank(b.first) ? rank(a.first) < rank(b.first) : a.first < b.first;
    });
  }
  ASSIGN_OR_RETURN(s.folds, j.Get<int>("folds", s.folds));
  ASSIGN_OR_RETURN(int64_t seed, j.Get<int64_t>("seed", static_cast<int64_t>(s.seed)));
  s.seed = static_cast<uint64_t>(seed);
  ASSIGN_OR_RETURN(s.group_by, j.Get<std::string>("group_by", s.group_by));
  ASSIGN_OR_RETURN(s.time_key, j.Get<std::string>("time_key", s.time_key));
  ASSIGN_OR_RETURN(s.unit, j.Get<std::string>("unit", s.unit));
  if (!s.unit.empty() && s.unit != "rows" && s.unit != "items") return InvalidArgument("split.unit must be 'rows' or 'items'");
  ASSIGN_OR_RETURN(s.label, j.Get<std::string>("label", s.label));
  if (s.label.empty() || s.label.size() > 256) return InvalidArgument("split.label must be 1 to 256 characters");
  RETURN_IF_ERROR(ValidateSplitSpec(s));
  return s;
}

Json SplitSpecToJson(const SplitSpec& s) {
  Json ratios = Json::object();
  for (const auto& [n, r] : s.ratios) ratios[n] = r;
  Json j{{"method", s.method}, {"seed", s.seed}};
  if (s.method == "kfold") j["folds"] = s.folds;
  else j["ratios"] = ratios;
  if (s.method == "group") j["group_by"] = s.group_by;
  if (s.method == "time") j["time_key"] = s.time_key;
  if ((s.method == "stratified" || s.method == "kfold") && s.label != "label") j["label"] = s.label;
  if (!s.unit.empty()) j["unit"] = s.unit;
  return j;
}

Result<std::pair<std::vector<ManifestEntry>, SplitReport>> ApplySplit(std::vector<ManifestEntry> items, const SplitSpec& spec) {
  RETURN_IF_ERROR(ValidateSplitSpec(spec));
  if (items.empty()) return InvalidArgument("the version has no items to split");
  std::mt19937_64 rng(spec.seed);
  std::vector<std::string> assignment(items.size());
  std::vector<int> fold(items.size(), -1);
  std::vector<std::string> labels(items.size());
  for (size_t i = 0; i < items.size(); ++i) labels[i] = MetaString(items[i].meta, spec.label);

  auto assign_block = [&](std::vector<size_t> idx, bool shuffle) {
    if (shuffle) Shuffle(idx, rng);
    std::vector<size_t> sizes = Cut(idx.size(), spec.ratios);
    size_t at = 0;
    for (size_t k = 0; k < sizes.size(); ++k)
      for (size_t n = 0; n < sizes[k]; ++n) assignment[idx[at++]] = spec.ratios[k].first;
  };
  // Items grouped by label, in label order (stratified methods).
  auto by_label = [&]() {
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t i = 0; i < items.size(); ++i) groups[labels[i]].push_back(i);
    return groups;
  };

  if (spec.method == "random") {
    std::vector<size_t> idx(items.size());
    std::iota(idx.begin(), idx.end(), 0);
    assign_block(idx, true);
  } else if (spec.method == "stratified") {
    auto groups = by_label();
    if (groups.size() == 1 && groups.begin()->first.empty())
      return InvalidArgument("a stratified split needs labeled items ('" + spec.label + "'); this version has none");
    for (auto& [label, idx] : groups) assign_block(idx, true);
  } else if (spec.method == "kfold") {
    auto groups = by_label();  // stratified k-fold when labeled; one group otherwise
    size_t offset = 0;
    for (auto& [label, idx] : groups) {
      Shuffle(idx, rng);
      // Continue the round-robin across classes so fold sizes differ by at most one overall.
      for (size_t n = 0; n < idx.size(); ++n) {
        fold[idx[n]] = static_cast<int>((offset + n) % static_cast<size_t>(spec.folds));
        assignment[idx[n]] = "fold" + std::to_string(fold[idx[n]]);
      }
      offset += idx.size();
    }
  } else if (spec.method == "group") {
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t i = 0; i < items.size(); ++i) {
      std::string g = spec.group_by == "folder" ? items[i].path.substr(0, items[i].path.find('/')) : MetaString(items[i].meta, spec.group_by);
      if (g.empty()) return InvalidArgument("item '" + items[i].path + "' has no group ('" + spec.group_by + "')");
      groups[g].push_back(i);
    }
    std::vector<std::string> names;
    for (const auto& [g, idx] : groups) names.push_back(g);
    std::vector<size_t> order(names.size());
    std::iota(order.begin(), order.end(), 0);
    Shuffle(order, rng);
    // Fill splits in order with whole groups until each reaches its share of the items.
    std::vector<double> target;
    for (const auto& [n, r] : spec.ratios) target.push_back(r * static_cast<double>(items.size()));
    size_t k = 0;
    double filled = 0;
    for (size_t o : order) {
      while (k + 1 < spec.ratios.size() && filled >= target[k] - 1e-9) {
        ++k;
        filled = 0;
      }
      for (size_t i : groups[names[o]]) assignment[i] = spec.ratios[k].first;
      filled += static_cast<double>(groups[names[o]].size());
    }
  } else {  // time
    std::vector<size_t> idx(items.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::vector<std::string> keys(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      keys[i] = spec.time_key.empty() ? items[i].path : MetaString(items[i].meta, spec.time_key);
      if (keys[i].empty()) return InvalidArgument("item '" + items[i].path + "' has no '" + spec.time_key + "'");
    }
    // Numbers (epoch seconds, years) order numerically; anything else (ISO-8601 dates) as text.
    std::vector<double> numbers(items.size());
    bool numeric = true;
    for (size_t i = 0; i < items.size() && numeric; ++i) {
      const char* begin = keys[i].c_str();
      char* end = nullptr;
      numbers[i] = std::strtod(begin, &end);
      numeric = end != begin && *end == '\0' && std::isfinite(numbers[i]);
    }
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
      return numeric ? numbers[a] < numbers[b] : keys[a] < keys[b];
    });
    assign_block(idx, false);  // earliest items train, latest test
  }

  SplitReport report;
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].meta = SetMeta(items[i].meta, "split", assignment[i]);
    if (fold[i] >= 0) items[i].meta = SetMeta(items[i].meta, "fold", fold[i]);
    report.counts[assignment[i]]++;
    report.classes[assignment[i]][labels[i].empty() ? "(unlabeled)" : labels[i]]++;
  }
  return std::make_pair(std::move(items), report);
}

}  // namespace moebius::data
