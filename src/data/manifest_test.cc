#include "data/manifest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

namespace moebius::data {
namespace {

namespace fs = std::filesystem;

std::vector<ManifestEntry> Make(int n, int salt = 0) {
  std::vector<ManifestEntry> out;
  for (int i = 0; i < n; ++i) {
    char sha[65];
    std::snprintf(sha, sizeof sha, "%064x", i * 7 + salt);
    char path[32];
    std::snprintf(path, sizeof path, "dir%02d/item-%07d.jpg", i % 17, i);
    out.push_back({path, sha, 100 + i, "{}"});
  }
  EXPECT_TRUE(SortEntries(out).ok());
  return out;
}

class ManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("moebius-manifest-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    blobs_ = std::move(store::OpenBlobStore(root_.string())).value();
    store_ = std::make_unique<ManifestStore>(*blobs_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<ManifestStore> store_;
};

TEST(ManifestPathTest, Validation) {
  for (const char* bad : {"", "/abs", "a/../b", "..", "a//b", "./a", "a\\b", "tab\there", "new\nline", "C:/Windows/evil.bat", "c:evil"})
    EXPECT_FALSE(ValidateItemPath(bad).ok()) << bad;
  EXPECT_TRUE(ValidateItemPath("cats/고양이 01.jpg").ok());
  std::vector<ManifestEntry> dup{{"a", "x", 1, "{}"}, {"a", "y", 1, "{}"}};
  EXPECT_FALSE(SortEntries(dup).ok());
}

TEST_F(ManifestTest, FullRoundTripAndChunkReuse) {
  auto a = Make(20000);
  auto root = store_->WriteFull(a);
  ASSERT_TRUE(root.ok());
  auto back = store_->ReadFull(*root);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, a);
  auto chunks_a = *store_->Chunks(*root);
  EXPECT_GT(chunks_a.size(), 5u);
  // Changing one entry changes one chunk.
  auto b = a;
  b[12345].sha256 = std::string(64, 'f');
  auto chunks_b = *store_->Chunks(*store_->WriteFull(b));
  ASSERT_EQ(chunks_a.size(), chunks_b.size());
  int differ = 0;
  for (size_t i = 0; i < chunks_a.size(); ++i) differ += chunks_a[i] != chunks_b[i];
  EXPECT_EQ(differ, 1);
}

TEST_F(ManifestTest, DiffApplyAndDeltaRoundTrip) {
  auto a = Make(1000);
  auto b = a;
  b.erase(b.begin() + 10);
  b[20].meta = R"({"label":"cat"})";
  b.push_back({"zzz/new.jpg", std::string(64, 'a'), 5, "{}"});
  ASSERT_TRUE(SortEntries(b).ok());
  ManifestDelta d = Diff(a, b);
  EXPECT_EQ(d.added.size(), 1u);
  EXPECT_EQ(d.removed.size(), 1u);
  EXPECT_EQ(d.modified.size(), 1u);
  EXPECT_EQ(d.before.size(), 2u);
  EXPECT_EQ(*Apply(a, d), b);
  auto sha = store_->WriteDelta(d);
  ASSERT_TRUE(sha.ok());
  auto back = store_->ReadDelta(*sha);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*Apply(a, *back), b);
  EXPECT_EQ(back->before.size(), 2u);
  EXPECT_TRUE(Diff(a, a).size() == 0);
}

TEST_F(ManifestTest, DamagedObjectsAreReported) {
  auto root = *store_->WriteFull(Make(10));
  EXPECT_FALSE(store_->ReadFull(std::string(64, '0')).ok());
  EXPECT_FALSE(store_->ReadDelta(root).ok());  // a root is not a delta
}

}  // namespace
}  // namespace moebius::data
