#include "cli/archive_io.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "base/strings.h"

namespace moebius::cli {
namespace {
namespace fs = std::filesystem;
}  // namespace

Result<int64_t> TarDirectory(const std::string& dir, const std::string& out_file) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return InvalidArgument(dir + " is not a directory");
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return InvalidArgument("cannot read " + dir + ": " + ec.message());
    const auto& e = *it;
    if (e.is_symlink()) return InvalidArgument(e.path().string() + " is a symbolic link; copy the files it points to instead");
    if (e.is_directory()) continue;
    if (!e.is_regular_file()) return InvalidArgument(e.path().string() + " is not a regular file");
    files.push_back(fs::relative(e.path(), dir).generic_string());
  }
  if (files.empty()) return InvalidArgument(dir + " has no files");
  std::sort(files.begin(), files.end());
  struct Closer {
    void operator()(archive* a) const { archive_write_free(a); }
  };
  std::unique_ptr<archive, Closer> a(archive_write_new());
  archive_write_set_format_pax_restricted(a.get());
  if (archive_write_open_filename(a.get(), out_file.c_str()) != ARCHIVE_OK)
    return Internal("cannot write " + out_file + ": " + archive_error_string(a.get()));
  std::vector<char> buf(1 << 20);
  for (const auto& rel : files) {
    fs::path full = fs::path(dir) / rel;
    auto size = fs::file_size(full, ec);
    if (ec) return Internal("cannot read " + full.string());
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname_utf8(entry, rel.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(size));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    int rc = archive_write_header(a.get(), entry);
    archive_entry_free(entry);
    if (rc != ARCHIVE_OK) return Internal(std::string("tar: ") + archive_error_string(a.get()));
    std::ifstream in(full, std::ios::binary);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      if (in.gcount() > 0 && archive_write_data(a.get(), buf.data(), static_cast<size_t>(in.gcount())) < 0)
        return Internal(std::string("tar: ") + archive_error_string(a.get()));
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return Internal(std::string("tar: ") + archive_error_string(a.get()));
  return static_cast<int64_t>(files.size());
}

namespace {

struct ReadCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchiveReader = std::unique_ptr<archive, ReadCloser>;

// Extracts every entry of an opened tar reader into `dir`.
Result<int64_t> ExtractEntries(const ArchiveReader& a, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Internal("cannot create " + dir + ": " + ec.message());
  archive_entry* entry = nullptr;
  int64_t n = 0;
  std::vector<char> buf(1 << 16);
  while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
    std::string path = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    if (archive_entry_filetype(entry) != AE_IFREG) return InvalidArgument("archive entry '" + path + "' is not a regular file");
    if (path.empty() || path.front() == '/') return InvalidArgument("archive entry '" + path + "' has an absolute path");
    for (const auto& seg : Split(path, '/'))
      if (seg == ".." || seg.empty()) return InvalidArgument("archive entry '" + path + "' would leave the target directory");
    fs::path out = fs::path(dir) / path;
    fs::create_directories(out.parent_path(), ec);
    std::ofstream o(out, std::ios::binary | std::ios::trunc);
    if (!o) return Internal("cannot write " + out.string());
    while (true) {
      la_ssize_t got = archive_read_data(a.get(), buf.data(), buf.size());
      if (got < 0) return InvalidArgument(std::string("archive entry '") + path + "' is damaged: " + archive_error_string(a.get()));
      if (got == 0) break;
      o.write(buf.data(), got);
    }
    if (!o) return Internal("cannot write " + out.string());
    ++n;
  }
  return n;
}

}  // namespace

Result<int64_t> ExtractTar(const std::string& tar_bytes, const std::string& dir) {
  ArchiveReader a(archive_read_new());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_memory(a.get(), tar_bytes.data(), tar_bytes.size()) != ARCHIVE_OK)
    return InvalidArgument(std::string("the server's archive is unreadable: ") + archive_error_string(a.get()));
  return ExtractEntries(a, dir);
}

Result<int64_t> ExtractTarFile(const std::string& tar_file, const std::string& dir) {
  ArchiveReader a(archive_read_new());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), tar_file.c_str(), 1 << 16) != ARCHIVE_OK)
    return InvalidArgument(std::string("the server's archive is unreadable: ") + archive_error_string(a.get()));
  return ExtractEntries(a, dir);
}

}  // namespace moebius::cli
