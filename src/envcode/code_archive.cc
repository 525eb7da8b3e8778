#include "envcode/code_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include "base/strings.h"

namespace moebius::envcode {
namespace {

namespace fs = std::filesystem;

struct ReadCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct WriteCloser {
  void operator()(archive* a) const { archive_write_free(a); }
};

std::string ErrorOf(archive* a, const char* fallback) {
  const char* e = archive_error_string(a);
  return e ? e : fallback;
}

}  // namespace

Result<std::vector<TreeFile>> ReadCodeArchive(const std::string& bytes, const ArchiveLimits& limits) {
  if (bytes.empty()) return InvalidArgument("the archive is empty: send a tar or tar.gz of the code as the request body");
  std::unique_ptr<archive, ReadCloser> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_format_zip(a.get());
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
    return InvalidArgument("not a readable tar, tar.gz or zip archive: " + ErrorOf(a.get(), "unknown format"));
  std::vector<TreeFile> files;
  std::set<std::string> seen;
  int64_t total = 0;
  archive_entry* entry = nullptr;
  for (;;) {
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
      return InvalidArgument("the archive is corrupt after " + std::to_string(files.size()) + " files: " + ErrorOf(a.get(), "read error"));
    const char* raw = archive_entry_pathname_utf8(entry);
    if (!raw) raw = archive_entry_pathname(entry);
    std::string name = raw ? raw : "";
    mode_t type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) continue;
    if (type != AE_IFREG || archive_entry_hardlink(entry))
      return InvalidArgument("entry '" + name.substr(0, 200) + "' is a link or special file; a code archive holds regular files only");
    std::string path = name;
    while (StartsWith(path, "./")) path.erase(0, 2);
    if (!name.empty() && name[0] == '/') return InvalidArgument("entry '" + name.substr(0, 200) + "' has an absolute path");
    Status valid = ValidateCodePath(path);
    if (!valid.ok()) return InvalidArgument("entry '" + name.substr(0, 200) + "': " + valid.message());
    if (!seen.insert(path).second) return InvalidArgument("entry '" + path + "' appears twice in the archive");
    if (static_cast<int64_t>(files.size()) >= limits.max_files)
      return TooLarge("the archive has more than " + std::to_string(limits.max_files) + " files");
    TreeFile f;
    f.path = path;
    f.mode = CanonicalMode(archive_entry_perm(entry));
    char chunk[1 << 16];
    for (;;) {
      la_ssize_t n = archive_read_data(a.get(), chunk, sizeof chunk);
      if (n < 0) return InvalidArgument("entry '" + path + "' is corrupt: " + ErrorOf(a.get(), "read error"));
      if (n == 0) break;
      total += n;
      if (total > limits.max_total_bytes)
        return TooLarge("the archive unpacks to more than " + std::to_string(limits.max_total_bytes >> 20) + " MiB");
      f.content.append(chunk, static_cast<size_t>(n));
    }
    files.push_back(std::move(f));
  }
  if (files.empty()) return InvalidArgument("the archive contains no files");
  std::sort(files.begin(), files.end(), [](const TreeFile& x, const TreeFile& y) { return x.path < y.path; });
  return files;
}

Result<std::string> WriteCodeTar(std::vector<TreeFile> files) {
  std::sort(files.begin(), files.end(), [](const TreeFile& x, const TreeFile& y) { return x.path < y.path; });
  std::string out;
  std::unique_ptr<archive, WriteCloser> a(archive_write_new());
  archive_write_set_format_pax_restricted(a.get());
  archive_write_set_bytes_in_last_block(a.get(), 1);
  auto cb = [](archive*, void* ud, const void* buf, size_t n) -> la_ssize_t {
    static_cast<std::string*>(ud)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  };
  if (archive_write_open(a.get(), &out, nullptr, cb, nullptr) != ARCHIVE_OK) return Internal("tar writer: " + ErrorOf(a.get(), "open"));
  for (const TreeFile& f : files) {
    RETURN_IF_ERROR(ValidateCodePath(f.path));
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname_utf8(e, f.path.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(f.content.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, static_cast<mode_t>(CanonicalMode(static_cast<unsigned>(f.mode))));
    archive_entry_set_mtime(e, 0, 0);
    int rc = archive_write_header(a.get(), e);
    archive_entry_free(e);
    if (rc != ARCHIVE_OK) return Internal("tar writer: " + ErrorOf(a.get(), "header"));
    if (!f.content.empty() && archive_write_data(a.get(), f.content.data(), f.content.size()) < 0)
      return Internal("tar writer: " + ErrorOf(a.get(), "data"));
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return Internal("tar writer: " + ErrorOf(a.get(), "close"));
  return out;
}

Status WriteFiles(const std::vector<TreeFile>& files, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Internal("cannot create " + dir + ": " + ec.message());
  fs::path root = fs::weakly_canonical(dir, ec);
  for (const TreeFile& f : files) {
    RETURN_IF_ERROR(ValidateCodePath(f.path));
    fs::path target = root / f.path;
    fs::create_directories(target.parent_path(), ec);
    if (ec) return Internal("cannot create " + target.parent_path().string() + ": " + ec.message());
    // A directory made earlier could be a symlink planted by a previous file only if links were
    // allowed; they are not, but check that the parent really is inside the root.
    fs::path parent = fs::canonical(target.parent_path(), ec);
    if (ec || !StartsWith(parent.string() + "/", root.string() + "/"))
      return InvalidArgument("'" + f.path + "' would be written outside " + dir);
    if (fs::is_symlink(target, ec)) return InvalidArgument("'" + f.path + "' is a symlink in " + dir + "; refusing to write through it");
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(f.content.data(), static_cast<std::streamsize>(f.content.size()));
    out.close();
    if (!out) return Internal("cannot write " + target.string());
    ::chmod(target.c_str(), static_cast<mode_t>(CanonicalMode(static_cast<unsigned>(f.mode))));
  }
  return Status::Ok();
}

}  // namespace moebius::envcode
