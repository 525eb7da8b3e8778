#include "data/table/table_diff.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace moebius::data {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool LooksLikeKey(const std::string& name) {
  const std::string n = Lower(name);
  return n == "id" || n == "key" || (n.size() > 2 && n.compare(n.size() - 2, 2, "id") == 0);
}

// Every value present and unique.
bool Unique(const Column& c) {
  std::unordered_set<std::string> seen;
  seen.reserve(c.size());
  for (size_t r = 0; r < c.size(); ++r) {
    auto t = c.Text(r);
    if (!t || !seen.insert(*t).second) return false;
  }
  return true;
}

Json Cell(const Column& c, size_t row) {
  auto t = c.Text(row);
  return t ? Json(*t) : Json(nullptr);
}

Json RowJson(const Table& t, size_t row) {
  Json j = Json::object();
  for (const auto& c : t.columns()) j[c.name] = Cell(c, row);
  return j;
}

// A row over `columns` as one string (unit separators between values, a marker for missing).
std::string RowKey(const std::vector<const Column*>& columns, size_t row) {
  std::string k;
  for (const Column* c : columns) {
    auto t = c->Text(row);
    k += t ? *t : std::string("\x1e");
    k += '\x1f';
  }
  return k;
}

}  // namespace

TableDiff DiffTables(const std::string& path, const Table& before, const Table& after, size_t sample) {
  TableDiff d;
  d.path = path;
  d.rows_before = before.num_rows();
  d.rows_after = after.num_rows();
  // Columns: shared ones in the order of `after`.
  std::vector<std::pair<const Column*, const Column*>> shared;
  for (const auto& c : after.columns()) {
    const Column* b = before.Find(c.name);
    if (!b) {
      d.columns_added.push_back(c.name);
      continue;
    }
    shared.push_back({b, &c});
    if (b->type != c.type) d.type_changes.emplace_back(c.name, ColumnTypeName(b->type), ColumnTypeName(c.type));
  }
  for (const auto& c : before.columns())
    if (!after.Find(c.name)) d.columns_removed.push_back(c.name);

  // The key: a shared column present and unique on both sides, likely names first.
  std::optional<size_t> key;
  for (int pass = 0; pass < 2 && !key; ++pass)
    for (size_t i = 0; i < shared.size() && !key; ++i)
      if (LooksLikeKey(shared[i].second->name) == (pass == 0) && Unique(*shared[i].first) && Unique(*shared[i].second)) key = i;

  if (key) {
    const Column& kb = *shared[*key].first;
    const Column& ka = *shared[*key].second;
    d.key = ka.name;
    std::unordered_map<std::string, size_t> before_rows;
    before_rows.reserve(kb.size());
    for (size_t r = 0; r < kb.size(); ++r) before_rows.emplace(*kb.Text(r), r);
    std::unordered_set<std::string> matched;
    for (size_t r = 0; r < ka.size(); ++r) {
      const std::string k = *ka.Text(r);
      auto it = before_rows.find(k);
      if (it == before_rows.end()) {
        if (d.sample_added.size() < sample) d.sample_added.push_back(RowJson(after, r));
        ++d.added;
        continue;
      }
      matched.insert(k);
      Json changes = Json::object();
      for (const auto& [b, a] : shared) {
        auto vb = b->Text(it->second), va = a->Text(r);
        if (vb != va) changes[a->name] = Json::array({vb ? Json(*vb) : Json(nullptr), va ? Json(*va) : Json(nullptr)});
      }
      if (changes.empty()) {
        ++d.unchanged;
      } else {
        ++d.changed;
        if (d.sample_changed.size() < sample) d.sample_changed.push_back(Json{{"key", k}, {"changes", changes}});
      }
    }
    for (size_t r = 0; r < kb.size(); ++r) {
      if (matched.count(*kb.Text(r))) continue;
      if (d.sample_removed.size() < sample) d.sample_removed.push_back(RowJson(before, r));
      ++d.removed;
    }
    return d;
  }

  // Whole rows over the shared columns, as multisets.
  std::vector<const Column*> cb, ca;
  for (const auto& [b, a] : shared) {
    cb.push_back(b);
    ca.push_back(a);
  }
  std::unordered_map<std::string, std::vector<size_t>> before_rows;
  for (size_t r = 0; r < before.num_rows(); ++r) before_rows[RowKey(cb, r)].push_back(r);
  for (size_t r = 0; r < after.num_rows(); ++r) {
    auto it = before_rows.find(RowKey(ca, r));
    if (it != before_rows.end() && !it->second.empty()) {
      it->second.pop_back();
      ++d.unchanged;
    } else {
      if (d.sample_added.size() < sample) d.sample_added.push_back(RowJson(after, r));
      ++d.added;
    }
  }
  std::vector<size_t> left;
  for (const auto& [k, rows] : before_rows) left.insert(left.end(), rows.begin(), rows.end());
  std::sort(left.begin(), left.end());
  d.removed = left.size();
  for (size_t i = 0; i < left.size() && d.sample_removed.size() < sample; ++i) d.sample_removed.push_back(RowJson(before, left[i]));
  return d;
}

Json TableDiff::ToJson() const {
  Json types = Json::array();
  for (const auto& [c, from, to] : type_changes) types.push_back(Json{{"column", c}, {"from", from}, {"to", to}});
  return Json{{"path", path},
              {"columns_added", columns_added},
              {"columns_removed", columns_removed},
              {"type_changes", types},
              {"key", key.empty() ? Json(nullptr) : Json(key)},
              {"rows_before", rows_before},
              {"rows_after", rows_after},
              {"counts", {{"added", added}, {"removed", removed}, {"changed", changed}, {"unchanged", unchanged}}},
              {"sample", {{"added", sample_added}, {"removed", sample_removed}, {"changed", sample_changed}}}};
}

}  // namespace moebius::data
