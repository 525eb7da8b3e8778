// .moebiusignore: which files `moebius code push` leaves out, in .gitignore's syntax (the subset
// below). One pattern per line; blank lines and lines starting with '#' are skipped; a leading
// '!' re-includes what an earlier pattern excluded; a trailing '/' matches directories only
// (and so everything under them); a pattern with a '/' before its end is anchored at the root
// (a leading '/' just anchors), one without matches a name at any depth; '*' and '?' do not
// cross '/', '**' does ("a/**/b", "**/x", "dir/**"); "\#" and "\!" escape. The last matching
// pattern wins. `.git/` is always ignored.
//
// Thread-safety: immutable after Parse; Ignored() may be called from any thread.
#pragma once

#include <string>
#include <vector>

namespace moebius::envcode {

class IgnoreRules {
 public:
  static IgnoreRules Parse(const std::string& text);
  // `path` is relative and '/'-separated. A file is ignored when it or any directory above it is.
  bool Ignored(const std::string& path, bool is_dir = false) const;
  size_t size() const { return rules_.size(); }

 private:
  struct Rule {
    std::string pattern;  // without '!', leading '/' and trailing '/'
    bool negate = false;
    bool dir_only = false;
    bool anchored = false;
  };
  // Whether the path itself (not its parents) matches, the last matching rule winning:
  // -1 no rule matched, 0 re-included, 1 ignored.
  int Match(const std::string& path, bool is_dir) const;
  std::vector<Rule> rules_;
};

// Glob match of `text` against `pattern` ('*', '?' within a segment; '**' across segments).
bool GlobMatch(const std::string& pattern, const std::string& text);

}  // namespace moebius::envcode
