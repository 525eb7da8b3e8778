#include "envcode/code_tar_stream.h"

#include <archive.h>
#include <archive_entry.h>

#include <utility>

namespace moebius::envcode {

CodeTarStream::CodeTarStream(store::BlobStore& blobs, std::vector<CodeFile> files, size_t piece_bytes)
    : blobs_(blobs), files_(std::move(files)), piece_bytes_(piece_bytes) {}

CodeTarStream::~CodeTarStream() {
  if (archive_) archive_write_free(archive_);
}

Result<std::string> CodeTarStream::Next() {
  auto err = [this](const char* what) { return Internal(std::string("tar writer: ") + (archive_error_string(archive_) ? archive_error_string(archive_) : what)); };
  if (!archive_) {
    archive_ = archive_write_new();
    archive_write_set_format_pax_restricted(archive_);
    archive_write_set_bytes_in_last_block(archive_, 1);
    auto cb = [](::archive*, void* ud, const void* buf, size_t n) -> la_ssize_t {
      static_cast<std::string*>(ud)->append(static_cast<const char*>(buf), n);
      return static_cast<la_ssize_t>(n);
    };
    if (archive_write_open(archive_, &out_, nullptr, cb, nullptr) != ARCHIVE_OK) return err("open");
  }
  while (out_.size() < piece_bytes_ && !closed_) {
    if (next_ == files_.size()) {
      if (archive_write_close(archive_) != ARCHIVE_OK) return err("close");
      closed_ = true;
      break;
    }
    const CodeFile& f = files_[next_++];
    ASSIGN_OR_RETURN(std::string bytes, blobs_.Get(f.sha256));
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname_utf8(e, f.path.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, static_cast<mode_t>(f.mode));
    archive_entry_set_mtime(e, 0, 0);
    int rc = archive_write_header(archive_, e);
    archive_entry_free(e);
    if (rc != ARCHIVE_OK) return err("header");
    if (!bytes.empty() && archive_write_data(archive_, bytes.data(), bytes.size()) < 0) return err("data");
  }
  return std::exchange(out_, std::string());
}

}  // namespace moebius::envcode
