#include "store/blob/blob_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "base/crypto.h"

namespace moebius::store {
namespace {

namespace fs = std::filesystem;

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("moebius-blob-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    store_ = std::move(OpenBlobStore(root_.string())).value();
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
  std::unique_ptr<BlobStore> store_;
};

TEST_F(BlobStoreTest, PutGetDeduplicates) {
  auto a = store_->Put("hello");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->sha256, Sha256Hex("hello"));
  EXPECT_EQ(a->size, 5);
  auto b = store_->Put("hello");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*store_->Get(a->sha256), "hello");
  EXPECT_TRUE(store_->Verify(a->sha256).ok());
  EXPECT_TRUE(fs::is_empty(root_ / "tmp"));
  EXPECT_EQ(*store_->PathOf(a->sha256), (root_ / "sha256" / a->sha256.substr(0, 2) / a->sha256.substr(2)).string());
}

TEST_F(BlobStoreTest, RejectsNonDigestNames) {
  EXPECT_EQ(store_->Get("../../etc/passwd").status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(store_->Exists("ABC"));
  EXPECT_EQ(store_->Get(Sha256Hex("missing")).status().code(), StatusCode::kNotFound);
}

TEST_F(BlobStoreTest, WriterLimitsAndExpectedDigest) {
  auto w = std::move(store_->NewWriter(4)).value();
  EXPECT_TRUE(w->Append("abcd").ok());
  EXPECT_EQ(w->Append("e").code(), StatusCode::kTooLarge);
  w.reset();
  EXPECT_TRUE(fs::is_empty(root_ / "tmp"));
  auto w2 = std::move(store_->NewWriter(100)).value();
  ASSERT_TRUE(w2->Append("xyz").ok());
  EXPECT_EQ(w2->Commit(Sha256Hex("other")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(store_->Exists(Sha256Hex("xyz")));
}

TEST_F(BlobStoreTest, WriterStagesItsBytesInAFileUntilCommit) {
  auto w = store_->NewWriter(1 << 20);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append("abc").ok());
  ASSERT_TRUE((*w)->Append("def").ok());
  EXPECT_EQ((*w)->size(), 6);
  std::string staged = (*w)->staged_path();
  std::ifstream in(staged, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "abcdef");
  auto info = (*w)->Commit();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(*store_->Get(info->sha256), "abcdef");
  EXPECT_FALSE(fs::exists(staged));
  // A writer dropped before Commit leaves nothing.
  auto dropped = store_->NewWriter(1 << 20);
  ASSERT_TRUE((*dropped)->Append("never published").ok());
  std::string dropped_path = (*dropped)->staged_path();
  dropped->reset();
  EXPECT_FALSE(fs::exists(dropped_path));
  EXPECT_FALSE(store_->Exists(Sha256Hex("never published")));
}

TEST_F(BlobStoreTest, VerifyDetectsCorruption) {
  auto a = std::move(store_->Put("data")).value();
  std::string path = *store_->PathOf(a.sha256);
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  FILE* f = fopen(path.c_str(), "w");
  fputs("dat4", f);
  fclose(f);
  EXPECT_EQ(store_->Verify(a.sha256).code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace moebius::store

namespace moebius::store {
namespace {

TEST_F(BlobStoreTest, PacksStoreSmallObjectsAndSurviveReopen) {
  auto pack = std::move(store_->NewPack()).value();
  std::vector<std::string> shas;
  for (int i = 0; i < 1000; ++i) shas.push_back(pack->Add("object " + std::to_string(i))->sha256);
  ASSERT_TRUE(pack->Add("object 7").ok());  // repeated content is stored once
  EXPECT_EQ(pack->added_objects(), 1000);
  EXPECT_FALSE(store_->Exists(shas[0]));  // invisible until committed
  ASSERT_TRUE(pack->Commit().ok());
  EXPECT_EQ(*store_->Get(shas[123]), "object 123");
  EXPECT_TRUE(store_->Verify(shas[999]).ok());
  EXPECT_EQ(store_->PathOf(shas[1]).status().code(), StatusCode::kFailedPrecondition);
  store_.reset();
  store_ = std::move(OpenBlobStore(root_.string())).value();
  EXPECT_EQ(*store_->Get(shas[500]), "object 500");
  int64_t n = 0;
  ASSERT_TRUE(store_->ForEach([&](const BlobInfo&) {
    ++n;
    return Status::Ok();
  }).ok());
  EXPECT_EQ(n, 1000);
  // A second pack with the same objects adds nothing.
  auto again = std::move(store_->NewPack()).value();
  ASSERT_TRUE(again->Add("object 5").ok());
  EXPECT_EQ(again->added_objects(), 0);
  ASSERT_TRUE(again->Commit().ok());
}

TEST_F(BlobStoreTest, UncommittedPackLeavesNothing) {
  {
    auto pack = std::move(store_->NewPack()).value();
    ASSERT_TRUE(pack->Add("lost").ok());
  }
  EXPECT_FALSE(store_->Exists(Sha256Hex("lost")));
  EXPECT_TRUE(fs::is_empty(root_ / "packs"));
}

TEST_F(BlobStoreTest, DamagedPackIndexIsReportedOnOpen) {
  auto pack = std::move(store_->NewPack()).value();
  ASSERT_TRUE(pack->Add("x").ok());
  ASSERT_TRUE(pack->Commit().ok());
  store_.reset();
  for (const auto& e : fs::directory_iterator(root_ / "packs"))
    if (e.path().extension() == ".idx") {
      FILE* f = fopen(e.path().c_str(), "r+b");
      fseek(f, 20, SEEK_SET);
      fputc('Z', f);
      fclose(f);
    }
  auto reopened = OpenBlobStore(root_.string());
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.status().message().find("damaged"), std::string::npos);
}

}  // namespace
}  // namespace moebius::store
