#include "store/blob/blob_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

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
