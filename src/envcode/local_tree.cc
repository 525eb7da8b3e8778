#include "envcode/local_tree.h"

#include <git2.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <memory>
#include <set>

#include "base/strings.h"
#include "envcode/ignore_rules.h"

namespace moebius::envcode {
namespace {

namespace fs = std::filesystem;

struct GitLib {
  GitLib() { git_libgit2_init(); }
  ~GitLib() { git_libgit2_shutdown(); }
};

template <typename T, void (*F)(T*)>
struct GitFree {
  void operator()(T* p) const { F(p); }
};
using Repo = std::unique_ptr<git_repository, GitFree<git_repository, git_repository_free>>;
using Ref = std::unique_ptr<git_reference, GitFree<git_reference, git_reference_free>>;
using Commit = std::unique_ptr<git_commit, GitFree<git_commit, git_commit_free>>;
using Tree = std::unique_ptr<git_tree, GitFree<git_tree, git_tree_free>>;
using Blob = std::unique_ptr<git_blob, GitFree<git_blob, git_blob_free>>;
using StatusList = std::unique_ptr<git_status_list, GitFree<git_status_list, git_status_list_free>>;
using Index = std::unique_ptr<git_index, GitFree<git_index, git_index_free>>;

Status GitError(const std::string& what) {
  const git_error* e = git_error_last();
  return Internal(what + ": " + (e && e->message ? e->message : "libgit2 error"));
}

Result<std::string> ReadFileBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Internal("cannot read " + p.string());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct Collector {
  const IgnoreRules& ignore;
  const LocalTreeLimits& limits;
  LocalTree& tree;
  int64_t total = 0;

  // Adds a file unless ignored; kTooLarge past the limits.
  Status Add(const std::string& path, int mode, std::string content) {
    if (ignore.Ignored(path)) return Status::Ok();
    Status valid = ValidateCodePath(path);
    if (!valid.ok()) {
      tree.warnings.push_back("skipped '" + path + "': " + valid.message());
      return Status::Ok();
    }
    total += static_cast<int64_t>(content.size());
    if (static_cast<int64_t>(tree.files.size()) >= limits.max_files)
      return TooLarge("more than " + std::to_string(limits.max_files) + " files to push; add a .moebiusignore");
    if (total > limits.max_total_bytes)
      return TooLarge("more than " + std::to_string(limits.max_total_bytes >> 20) + " MiB to push; add a .moebiusignore");
    tree.files.push_back({path, mode, std::move(content)});
    return Status::Ok();
  }

  // A file on disk at `abs`, stored as `rel`.
  Status AddFromDisk(const fs::path& abs, const std::string& rel) {
    struct stat st;
    if (::lstat(abs.c_str(), &st) != 0) return Status::Ok();  // deleted in the working tree
    if (ignore.Ignored(rel)) return Status::Ok();
    if (S_ISLNK(st.st_mode)) {
      tree.warnings.push_back("skipped symlink '" + rel + "'");
      return Status::Ok();
    }
    if (!S_ISREG(st.st_mode)) {
      if (!S_ISDIR(st.st_mode)) tree.warnings.push_back("skipped special file '" + rel + "'");
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(abs));
    return Add(rel, CanonicalMode(st.st_mode), std::move(bytes));
  }
};

IgnoreRules LoadIgnore(const fs::path& dir) {
  auto text = ReadFileBytes(dir / ".moebiusignore");
  return IgnoreRules::Parse(text.ok() ? *text : "");
}

Status WalkDirectory(const fs::path& root, Collector& c) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  if (ec) return InvalidArgument("cannot read " + root.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Internal("cannot read " + root.string() + ": " + ec.message());
    std::string rel = fs::relative(it->path(), root, ec).generic_string();
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      if (c.ignore.Ignored(rel, true)) it.disable_recursion_pending();
      continue;
    }
    RETURN_IF_ERROR(c.AddFromDisk(it->path(), rel));
  }
  return Status::Ok();
}

// Path of `p` below `prefix` ("" = the whole repository), or nullopt when outside it.
std::optional<std::string> Below(const std::string& p, const std::string& prefix) {
  if (prefix.empty()) return p;
  if (!StartsWith(p, prefix + "/")) return std::nullopt;
  return p.substr(prefix.size() + 1);
}

struct TreeWalk {
  git_repository* repo;
  const std::string* prefix;
  Collector* c;
  Status status;
};

int WalkCallback(const char* root, const git_tree_entry* entry, void* payload) {
  auto* w = static_cast<TreeWalk*>(payload);
  std::string path = std::string(root) + git_tree_entry_name(entry);
  git_filemode_t mode = git_tree_entry_filemode(entry);
  if (mode == GIT_FILEMODE_TREE) {
    // Skip directories outside DIR, and ignored ones.
    if (!w->prefix->empty() && !StartsWith(*w->prefix + "/", path + "/") && !StartsWith(path, *w->prefix + "/")) return 1;
    auto rel = Below(path, *w->prefix);
    if (rel && w->c->ignore.Ignored(*rel, true)) return 1;
    return 0;
  }
  auto rel = Below(path, *w->prefix);
  if (!rel) return 0;
  if (w->c->ignore.Ignored(*rel)) return 0;
  if (mode == GIT_FILEMODE_LINK) {
    w->c->tree.warnings.push_back("skipped symlink '" + *rel + "'");
    return 0;
  }
  if (mode == GIT_FILEMODE_COMMIT) {
    w->c->tree.warnings.push_back("skipped submodule '" + *rel + "'");
    return 0;
  }
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, w->repo, git_tree_entry_id(entry)) != 0) {
    w->status = GitError("reading " + path);
    return -1;
  }
  Blob blob(raw);
  std::string content(static_cast<const char*>(git_blob_rawcontent(blob.get())), static_cast<size_t>(git_blob_rawsize(blob.get())));
  w->status = w->c->Add(*rel, mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644, std::move(content));
  return w->status.ok() ? 0 : -1;
}

}  // namespace

Result<LocalTree> ReadLocalTree(const std::string& dir, const LocalTreeLimits& limits) {
  std::error_code ec;
  fs::path root = fs::canonical(dir, ec);
  if (ec || !fs::is_directory(root)) return InvalidArgument(dir + " is not a directory");
  LocalTree tree;
  IgnoreRules ignore = LoadIgnore(root);
  Collector c{ignore, limits, tree};

  GitLib lib;
  git_repository* raw_repo = nullptr;
  int rc = git_repository_open_ext(&raw_repo, root.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) {
    tree.source = "dir";
    RETURN_IF_ERROR(WalkDirectory(root, c));
  } else if (rc != 0) {
    return GitError("opening the git repository at " + root.string());
  } else {
    Repo repo(raw_repo);
    tree.source = "git";
    if (git_repository_is_bare(repo.get())) return InvalidArgument(root.string() + " is a bare git repository; push a working tree");
    fs::path workdir = fs::canonical(git_repository_workdir(repo.get()), ec);
    std::string prefix = fs::relative(root, workdir, ec).generic_string();
    if (prefix == ".") prefix.clear();

    // HEAD: commit and branch (none before the first commit).
    Commit head;
    git_reference* raw_ref = nullptr;
    if (git_repository_head(&raw_ref, repo.get()) == 0) {
      Ref ref(raw_ref);
      if (git_reference_is_branch(ref.get())) tree.git_branch = git_reference_shorthand(ref.get());
      git_commit* raw_commit = nullptr;
      if (git_commit_lookup(&raw_commit, repo.get(), git_reference_target(ref.get())) != 0) return GitError("reading HEAD");
      head.reset(raw_commit);
      char hex[GIT_OID_HEXSZ + 1];
      git_oid_tostr(hex, sizeof hex, git_commit_id(head.get()));
      tree.git_commit = hex;
    }

    // Dirty: any change under DIR, untracked files that git does not ignore included.
    git_status_options so = GIT_STATUS_OPTIONS_INIT;
    so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    git_status_list* raw_status = nullptr;
    if (git_status_list_new(&raw_status, repo.get(), &so) != 0) return GitError("reading the working tree's status");
    StatusList status(raw_status);
    std::vector<std::string> untracked;
    size_t changes = 0;
    for (size_t i = 0, n = git_status_list_entrycount(status.get()); i < n; ++i) {
      const git_status_entry* e = git_status_byindex(status.get(), i);
      if (e->status == GIT_STATUS_CURRENT || (e->status & GIT_STATUS_IGNORED)) continue;
      const git_diff_delta* d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
      std::string path = d ? (d->new_file.path ? d->new_file.path : d->old_file.path) : "";
      auto rel = Below(path, prefix);
      if (!rel || ignore.Ignored(*rel)) continue;
      ++changes;
      if (e->status & GIT_STATUS_WT_NEW) untracked.push_back(path);
    }
    tree.dirty = changes > 0 || !head;

    if (!tree.dirty) {
      Tree t;
      git_tree* raw_tree = nullptr;
      if (git_commit_tree(&raw_tree, head.get()) != 0) return GitError("reading HEAD's tree");
      t.reset(raw_tree);
      TreeWalk w{repo.get(), &prefix, &c, Status::Ok()};
      if (git_tree_walk(t.get(), GIT_TREEWALK_PRE, &WalkCallback, &w) != 0) {
        if (!w.status.ok()) return w.status;
        return GitError("walking HEAD's tree");
      }
    } else {
      tree.warnings.push_back(head ? "the working tree has " + std::to_string(changes) +
                                         " uncommitted change(s); the snapshot holds the working files and is recorded as dirty"
                                   : "the repository has no commit yet; the snapshot holds the working files and is recorded as dirty");
      git_index* raw_index = nullptr;
      if (git_repository_index(&raw_index, repo.get()) != 0) return GitError("reading the index");
      Index index(raw_index);
      std::set<std::string> paths;
      for (size_t i = 0, n = git_index_entrycount(index.get()); i < n; ++i) {
        const git_index_entry* e = git_index_get_byindex(index.get(), i);
        if ((e->mode & 0170000) == 0160000) {  // a submodule
          if (auto rel = Below(e->path, prefix)) tree.warnings.push_back("skipped submodule '" + *rel + "'");
          continue;
        }
        paths.insert(e->path);
      }
      for (const auto& p : untracked) paths.insert(p);
      for (const auto& p : paths) {
        auto rel = Below(p, prefix);
        if (!rel) continue;
        RETURN_IF_ERROR(c.AddFromDisk(workdir / p, *rel));
      }
    }
  }
  std::sort(tree.files.begin(), tree.files.end(), [](const TreeFile& a, const TreeFile& b) { return a.path < b.path; });
  if (tree.files.empty()) return InvalidArgument("no files to push under " + root.string() + (tree.source == "git" ? " (tracked by git)" : ""));
  return tree;
}

}  // namespace moebius::envcode
