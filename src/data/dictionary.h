// Word dictionaries (단어사전) of language datasets, versioned like the rest of the data (seed
// 000, 3.2.2: rounds, bundles and versions apply to dictionary data too). A dictionary is an item
// whose path is under a top folder "dictionary/" or "dict/", or ends in ".dict", ".dic" or
// ".dict.tsv": UTF-8 lines, blank lines and lines starting with '#' ignored, one entry per line
// as `term<TAB>info...` — the term is the first field; the rest (part of speech, reading,
// weight, ...) is the entry's info, compared as text. Versions of a dictionary are diffed entry
// by entry: terms added, removed, and terms whose info changed.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace moebius::data {

bool IsDictionaryPath(std::string_view path);

struct Dictionary {
  std::map<std::string, std::string> entries;  // term → info (first occurrence wins)
  std::vector<size_t> duplicate_lines;         // 1-based lines repeating an earlier term
};

// Fails with kInvalidArgument naming the path and line for invalid UTF-8 or an empty term.
Result<Dictionary> ParseDictionary(const std::string& path, std::string_view bytes);

struct DictionaryDiff {
  std::string path;
  std::vector<std::string> added, removed;
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> changed;  // term → (old info, new info)
  Json ToJson(size_t max_listed) const;
};

DictionaryDiff DiffDictionaries(const std::string& path, const Dictionary& before, const Dictionary& after);

}  // namespace moebius::data
