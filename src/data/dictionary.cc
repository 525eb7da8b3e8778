#include "data/dictionary.h"

#include <algorithm>

#include "base/strings.h"

namespace moebius::data {

bool IsDictionaryPath(std::string_view path) {
  std::string lower = ToLower(path);
  return StartsWith(lower, "dictionary/") || StartsWith(lower, "dict/") || EndsWith(lower, ".dict") || EndsWith(lower, ".dic") ||
         EndsWith(lower, ".dict.tsv");
}

Result<Dictionary> ParseDictionary(const std::string& path, std::string_view bytes) {
  Dictionary d;
  size_t start = 0, line = 0;
  while (start < bytes.size()) {
    ++line;
    size_t nl = bytes.find('\n', start);
    std::string_view l = bytes.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    start = nl == std::string_view::npos ? bytes.size() : nl + 1;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (line == 1 && l.substr(0, 3) == "\xEF\xBB\xBF") l.remove_prefix(3);  // a BOM
    if (!IsValidUtf8(l)) return InvalidArgument(path + " line " + std::to_string(line) + " is not valid UTF-8");
    if (Trim(l).empty() || l.front() == '#') continue;
    size_t tab = l.find('\t');
    std::string term(Trim(l.substr(0, tab)));
    std::string info = tab == std::string_view::npos ? "" : std::string(l.substr(tab + 1));
    if (term.empty()) return InvalidArgument(path + " line " + std::to_string(line) + " has an empty term");
    if (!d.entries.emplace(std::move(term), std::move(info)).second) d.duplicate_lines.push_back(line);
  }
  return d;
}

DictionaryDiff DiffDictionaries(const std::string& path, const Dictionary& before, const Dictionary& after) {
  DictionaryDiff out;
  out.path = path;
  auto a = before.entries.begin(), b = after.entries.begin();
  while (a != before.entries.end() || b != after.entries.end()) {
    if (b == after.entries.end() || (a != before.entries.end() && a->first < b->first)) {
      out.removed.push_back((a++)->first);
    } else if (a == before.entries.end() || b->first < a->first) {
      out.added.push_back((b++)->first);
    } else {
      if (a->second != b->second) out.changed.push_back({a->first, {a->second, b->second}});
      ++a;
      ++b;
    }
  }
  return out;
}

Json DictionaryDiff::ToJson(size_t max_listed) const {
  auto first = [&](const std::vector<std::string>& v) {
    return Json(std::vector<std::string>(v.begin(), v.begin() + static_cast<long>(std::min(v.size(), max_listed))));
  };
  Json changes = Json::array();
  for (size_t i = 0; i < changed.size() && i < max_listed; ++i)
    changes.push_back({{"term", changed[i].first}, {"from", changed[i].second.first}, {"to", changed[i].second.second}});
  return {{"path", path},
          {"counts", {{"added", added.size()}, {"removed", removed.size()}, {"changed", changed.size()}}},
          {"added", first(added)},
          {"removed", first(removed)},
          {"changed", changes}};
}

}  // namespace moebius::data
