// Reading the code to push from a local folder (`moebius code push DIR`).
//
// When DIR is inside a git repository (found with libgit2, searching upwards), the snapshot is
// the repository's tracked files under DIR at HEAD, read from the object database (their
// committed content and executable bits), with the commit id and branch recorded. When the
// working tree has changes under DIR (modified, added, deleted or untracked-not-ignored files),
// the snapshot is the working files instead — tracked files as they are on disk plus untracked
// files git does not ignore — recorded as dirty, and a warning says so. A repository without
// commits counts as dirty. Otherwise every regular file under DIR is taken.
//
// In both cases DIR's `.moebiusignore` (ignore_rules.h) leaves files out, and symlinks,
// submodules and special files are skipped with a warning. Paths are relative to DIR.
//
// Thread-safety: ReadLocalTree may be called from any thread (libgit2 is initialized per call).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "envcode/code_tree.h"

namespace moebius::envcode {

struct LocalTree {
  std::vector<TreeFile> files;  // sorted by path
  std::string source;           // "git" or "dir"
  std::string git_commit;       // HEAD's id (empty before the first commit)
  std::string git_branch;       // empty when HEAD is detached
  bool dirty = false;
  std::vector<std::string> warnings;
};

struct LocalTreeLimits {
  int64_t max_files = 20000;
  int64_t max_total_bytes = 256LL << 20;
};

Result<LocalTree> ReadLocalTree(const std::string& dir, const LocalTreeLimits& limits = {});

}  // namespace moebius::envcode
