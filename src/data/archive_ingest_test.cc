#include "data/archive_ingest.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "base/crypto.h"

namespace moebius::data {
namespace {

namespace fs = std::filesystem;

class ArchiveIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("moebius-ingest-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    blobs_ = std::move(store::OpenBlobStore((root_ / "blobs").string())).value();
  }
  void TearDown() override { fs::remove_all(root_); }

  // A tar (gzip-compressed when `gz`) of entries whose content comes from `fill(entry, offset, n)`.
  struct Entry {
    std::string name;
    int64_t size;
    char (*byte)(int64_t offset);
  };
  std::string Archive(const std::vector<Entry>& entries, bool gz) {
    std::string path = (root_ / (gz ? "upload.tar.gz" : "upload.tar")).string();
    archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    if (gz) archive_write_add_filter_gzip(a);
    EXPECT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
    std::string chunk;
    for (const Entry& e : entries) {
      archive_entry* h = archive_entry_new();
      archive_entry_set_pathname(h, e.name.c_str());
      archive_entry_set_size(h, e.size);
      archive_entry_set_filetype(h, AE_IFREG);
      archive_entry_set_perm(h, 0644);
      archive_write_header(a, h);
      archive_entry_free(h);
      for (int64_t at = 0; at < e.size; at += 1 << 20) {
        int64_t n = std::min<int64_t>(1 << 20, e.size - at);
        chunk.resize(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) chunk[static_cast<size_t>(i)] = e.byte(at + i);
        archive_write_data(a, chunk.data(), chunk.size());
      }
    }
    archive_write_close(a);
    archive_write_free(a);
    return path;
  }

  bool StagingIsEmpty() { return fs::is_empty(root_ / "blobs" / "tmp"); }

  fs::path root_;
  std::unique_ptr<store::BlobStore> blobs_;
};

char Zero(int64_t) { return 0; }
char Noise(int64_t i) { return static_cast<char>((i * 2654435761u) >> 13); }
char Text(int64_t i) { return i % 64 == 63 ? '\n' : static_cast<char>('a' + i % 26); }

TEST_F(ArchiveIngestTest, AnExpandingArchiveIsRefusedNamingTheEntry) {
  std::string file = Archive({{"ok.txt", 100, Text}, {"zeros.bin", 64 << 20, Zero}}, true);
  ASSERT_LT(fs::file_size(file), 1u << 20);
  IngestLimits limits;
  limits.ratio_free_bytes = 4 << 20;
  auto r = IngestUpload(*blobs_, file, "archive", "bomb.tar.gz", nullptr, limits);
  ASSERT_EQ(r.status().code(), StatusCode::kTooLarge) << r.status().ToString();
  EXPECT_NE(r.status().message().find("bomb.tar.gz: entry 'zeros.bin' unpacks the upload to more than 100 times"), std::string::npos)
      << r.status().message();
  EXPECT_TRUE(StagingIsEmpty());
  EXPECT_FALSE(blobs_->Exists(Sha256Hex(std::string(64 << 20, '\0'))));
}

TEST_F(ArchiveIngestTest, TotalAndItemLimitsNameTheEntry) {
  std::string file = Archive({{"a.bin", 600 << 10, Noise}, {"b.bin", 600 << 10, Noise}}, false);
  IngestLimits limits;
  limits.max_total_bytes = 1 << 20;
  auto total = IngestUpload(*blobs_, file, "archive", "two.tar", nullptr, limits);
  ASSERT_EQ(total.status().code(), StatusCode::kTooLarge);
  EXPECT_NE(total.status().message().find("entry 'b.bin' takes the upload past its limit of 1.0 MiB"), std::string::npos)
      << total.status().message();
  limits = IngestLimits{};
  limits.max_item_bytes = 500 << 10;
  auto item = IngestUpload(*blobs_, file, "archive", "two.tar", nullptr, limits);
  ASSERT_EQ(item.status().code(), StatusCode::kTooLarge);
  EXPECT_NE(item.status().message().find("entry 'a.bin' is larger than the item limit"), std::string::npos) << item.status().message();
  EXPECT_TRUE(StagingIsEmpty());
}

TEST_F(ArchiveIngestTest, LargeItemsStreamToLooseBlobsAndAreCheckedFromTheirFile) {
  const int64_t big = 20 << 20;  // past the 16 MiB pack threshold
  std::string file = Archive({{"big.bin", big, Noise}, {"small.txt", 1000, Text}}, false);
  std::string expected(static_cast<size_t>(big), '\0');
  for (int64_t i = 0; i < big; ++i) expected[static_cast<size_t>(i)] = Noise(i);
  std::map<std::string, std::pair<bool, int64_t>> seen;  // path → (in memory, bytes read)
  ContentCheck check = [&](const std::string& path, const ItemContent& content) -> Status {
    int64_t n = 0;
    RETURN_IF_ERROR(content.ForEachPiece([&](std::string_view piece) {
      EXPECT_LE(piece.size(), 1u << 20);
      n += static_cast<int64_t>(piece.size());
      return Status::Ok();
    }));
    seen[path] = {content.in_memory(), n};
    return Status::Ok();
  };
  auto r = IngestUpload(*blobs_, file, "archive", "big.tar", check);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].path, "big.bin");
  EXPECT_EQ((*r)[0].sha256, Sha256Hex(expected));
  EXPECT_EQ((*r)[0].size, big);
  EXPECT_TRUE(blobs_->PathOf((*r)[0].sha256).ok());  // loose, not packed
  EXPECT_EQ(seen["big.bin"], std::make_pair(false, big));
  EXPECT_EQ(seen["small.txt"], std::make_pair(true, int64_t{1000}));
  EXPECT_TRUE(StagingIsEmpty());
  // A failing check leaves the large item unpublished.
  auto refused = IngestUpload(*blobs_, Archive({{"other.bin", big, Text}}, false), "archive", "x.tar",
                              [](const std::string& path, const ItemContent&) { return InvalidArgument(path + " is bad"); });
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(StagingIsEmpty());
}

TEST_F(ArchiveIngestTest, SingleFilesStreamToo) {
  std::string file = (root_ / "single").string();
  {
    std::ofstream out(file, std::ios::binary);
    std::string piece(1 << 20, 'x');
    for (int i = 0; i < 20; ++i) out << piece;
  }
  auto r = IngestUpload(*blobs_, file, "file", "one.bin", nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[0].size, 20 << 20);
  EXPECT_EQ((*r)[0].sha256, Sha256Hex(std::string(20 << 20, 'x')));
  IngestLimits limits;
  limits.max_item_bytes = 1 << 20;
  EXPECT_EQ(IngestUpload(*blobs_, file, "file", "one.bin", nullptr, limits).status().code(), StatusCode::kTooLarge);
}

TEST_F(ArchiveIngestTest, DriveLetterAndBackslashEntriesAreRefused) {
  for (const char* name : {"C:/Windows/evil.bat", "c:evil.bat", "..\\evil.bat"}) {
    auto r = IngestUpload(*blobs_, Archive({{"fine.txt", 10, Text}, {name, 10, Text}}, false), "archive", "w.tar", nullptr);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_NE(r.status().message().find(name), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace moebius::data
