#include "envcode/ignore_rules.h"

#include <cstring>

#include "base/strings.h"

namespace moebius::envcode {
namespace {

bool Match(const char* p, const char* t) {
  while (*p) {
    if (p[0] == '*' && p[1] == '*') {
      // "**/" matches zero or more whole segments; a trailing "**" matches the rest.
      const char* rest = p + 2;
      if (*rest == '/') {
        ++rest;
        for (const char* s = t;; ) {
          if (Match(rest, s)) return true;
          const char* slash = std::strchr(s, '/');
          if (!slash) return false;
          s = slash + 1;
        }
      }
      for (const char* s = t;; ++s) {
        if (Match(rest, s)) return true;
        if (!*s) return false;
      }
    }
    if (*p == '*') {
      for (const char* s = t;; ++s) {
        if (Match(p + 1, s)) return true;
        if (!*s || *s == '/') return false;
      }
    }
    if (!*t) return false;
    if (*p == '?') {
      if (*t == '/') return false;
    } else if (*p == '\\' && p[1]) {
      ++p;
      if (*p != *t) return false;
    } else if (*p != *t) {
      return false;
    }
    ++p;
    ++t;
  }
  return *t == '\0';
}

}  // namespace

bool GlobMatch(const std::string& pattern, const std::string& text) { return Match(pattern.c_str(), text.c_str()); }

IgnoreRules IgnoreRules::Parse(const std::string& text) {
  IgnoreRules out;
  for (std::string line : Split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t') && !(line.size() > 1 && line[line.size() - 2] == '\\')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    Rule r;
    if (line[0] == '!') {
      r.negate = true;
      line.erase(0, 1);
    } else if (line[0] == '\\' && line.size() > 1 && (line[1] == '#' || line[1] == '!')) {
      line.erase(0, 1);
    }
    if (!line.empty() && line.back() == '/') {
      r.dir_only = true;
      line.pop_back();
    }
    if (!line.empty() && line[0] == '/') {
      r.anchored = true;
      line.erase(0, 1);
    }
    if (line.find('/') != std::string::npos && !StartsWith(line, "**/")) r.anchored = true;
    if (line.empty()) continue;
    r.pattern = line;
    out.rules_.push_back(std::move(r));
  }
  return out;
}

int IgnoreRules::Match(const std::string& path, bool is_dir) const {
  int result = -1;
  size_t slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  for (const Rule& r : rules_) {
    if (r.dir_only && !is_dir) continue;
    bool hit = r.anchored ? GlobMatch(r.pattern, path) : GlobMatch(r.pattern, name) || GlobMatch("**/" + r.pattern, path);
    if (hit) result = r.negate ? 0 : 1;
  }
  return result;
}

bool IgnoreRules::Ignored(const std::string& path, bool is_dir) const {
  // Like git: a directory that is excluded cannot have files re-included below it.
  std::vector<std::string> segs = Split(path, '/');
  std::string prefix;
  for (size_t i = 0; i < segs.size(); ++i) {
    prefix += (i ? "/" : "") + segs[i];
    bool dir = i + 1 < segs.size() || is_dir;
    if (dir && segs[i] == ".git") return true;
    int m = Match(prefix, dir);
    if (m == 1 && dir && i + 1 < segs.size()) return true;
    if (i + 1 == segs.size()) return m == 1;
  }
  return false;
}

}  // namespace moebius::envcode
