// Image refinement (resize_images, convert_images) and image quality, end to end through the
// data store. Test images are made here: a 24-bit BMP written by hand, then converted to PNG or
// JPEG by data/image, so this file needs no OpenCV header.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "data/analysis.h"
#include "data/data_schema.h"
#include "data/data_store.h"
#include "data/image/image.h"
#include "data/refine.h"
#include "store/meta/sqlite_database.h"

namespace moebius::data {
namespace {

namespace fs = std::filesystem;

std::string Bmp(int w, int h, int seed) {
  int row = (w * 3 + 3) / 4 * 4;
  uint32_t size = 54 + static_cast<uint32_t>(row * h);
  std::string b(size, '\0');
  auto le = [&](size_t at, uint32_t v, int n) {
    for (int i = 0; i < n; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  b[0] = 'B';
  b[1] = 'M';
  le(2, size, 4);
  le(10, 54, 4);
  le(14, 40, 4);
  le(18, static_cast<uint32_t>(w), 4);
  le(22, static_cast<uint32_t>(h), 4);
  le(26, 1, 2);
  le(28, 24, 2);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) b[54 + y * row + x * 3 + c] = static_cast<char>((x * (c + 2) + y * 3 + seed * 17) & 0xFF);
  return b;
}

std::string Image(int w, int h, const std::string& format, int seed = 0) {
  auto out = image::Convert(Bmp(w, h, seed), image::ConvertSpec{format, 90});
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? out->bytes : "";
}

class RefineImagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("moebius-img-" + std::to_string(::getpid()) + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "src");
    db_ = std::move(store::OpenSqlite((dir_ / "meta.db").string())).value();
    ASSERT_TRUE(store::Migrate(*db_, DataMigrations()).ok());
    blobs_ = std::move(store::OpenBlobStore((dir_ / "blobs").string())).value();
    store_ = std::make_unique<DataStore>(*db_, *blobs_, clock_, "test-pii-key-0123456789abcdef012345");
    ds_ = *store_->CreateDataset(1, "pets", "vision", "", false, {}, "alice");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& rel, const std::string& content) {
    fs::create_directories((dir_ / "src" / rel).parent_path());
    std::ofstream(dir_ / "src" / rel, std::ios::binary) << content;
  }
  // Ingests what was written as round 1 and makes v1 (raw) and v2 (labels from folders).
  void IngestAndLabel() {
    std::string tar = (dir_ / "r.tar").string();
    ASSERT_EQ(std::system(("tar -cf " + tar + " -C " + (dir_ / "src").string() + " .").c_str()), 0);
    auto r = store_->IngestRound(ds_, tar, "archive", "r.tar", "", "u");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(store_->CreateVersion(ds_, VersionSpec{.status = "raw", .rounds = {1}}, "u").ok());
    ASSERT_TRUE(store_->CreateVersion(ds_, VersionSpec{.status = "labeled", .from_version = 1, .labels_from_folders = true}, "u").ok());
  }
  Result<Version> Refine(const std::string& ops) {
    VersionSpec spec{.status = "refined", .from_version = 2};
    spec.operations = Json::parse(ops);
    return store_->CreateVersion(ds_, spec, "u");
  }
  size_t VersionCount() { return store_->ListVersions(ds_.id)->size(); }

  ManualClock clock_{1700000000000};
  fs::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<DataStore> store_;
  Dataset ds_;
};

TEST_F(RefineImagesTest, ResizeThenConvertRenamesKeepsLabelsAndRecordsSizes) {
  Write("cat/a.png", Image(200, 100, "png", 1));
  Write("cat/b.png", Image(90, 90, "png", 2));
  Write("dog/c.jpg", Image(300, 150, "jpeg", 3));
  Write("dog/d.jpeg", Image(64, 32, "jpeg", 4));  // already the target size: left as it is by resize
  Write("notes.txt", "sidecar, not an image\n");
  IngestAndLabel();
  const std::string ops = R"([
    {"op": "resize_images", "mode": "fit", "width": 64, "height": 64, "interpolation": "area"},
    {"op": "convert_images", "format": "jpeg", "quality": 85}
  ])";
  auto v = Refine(ops);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  Json report = Json::parse(v->derived_json)["refine_report"];
  EXPECT_EQ(report[0]["images_changed"], 3);
  EXPECT_EQ(report[0]["images_unchanged"], 1);
  EXPECT_EQ(report[0]["skipped_non_images"], 1);
  EXPECT_EQ(report[0]["failed"], 0);
  EXPECT_EQ(report[1]["images_changed"], 4);  // a quality was asked for: JPEGs are re-encoded too
  EXPECT_EQ(report[1]["renamed"], 2);

  auto items = *store_->Materialize(*v);
  std::vector<std::string> paths;
  for (const auto& e : items) paths.push_back(e.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"cat/a.jpg", "cat/b.jpg", "dog/c.jpg", "dog/d.jpeg", "notes.txt"}));
  struct Want {
    int w, h;
    const char* label;
  };
  std::vector<Want> want = {{64, 32, "cat"}, {64, 64, "cat"}, {64, 32, "dog"}, {64, 32, "dog"}};
  for (size_t i = 0; i < want.size(); ++i) {
    auto header = image::ReadHeader(*blobs_->Get(items[i].sha256));
    ASSERT_TRUE(header.ok()) << items[i].path;
    EXPECT_EQ(header->format, "jpeg") << items[i].path;
    EXPECT_EQ(header->width, want[i].w) << items[i].path;
    EXPECT_EQ(header->height, want[i].h) << items[i].path;
    Json meta = Json::parse(items[i].meta);
    EXPECT_EQ(meta["label"], want[i].label);
    EXPECT_EQ(meta["width"], want[i].w);
    EXPECT_EQ(meta["height"], want[i].h);
  }
  EXPECT_EQ(*blobs_->Get(items[4].sha256), "sidecar, not an image\n");
  // The same operations on the same version give the same items, byte for byte.
  auto again = Refine(ops);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*store_->Materialize(*again), items);
  EXPECT_TRUE(store_->Fsck()->empty());
}

TEST_F(RefineImagesTest, FillShorterSideAndGrayPng) {
  Write("x/a.jpg", Image(120, 80, "jpeg"));
  Write("x/b.bmp", Bmp(50, 100, 5));
  IngestAndLabel();
  auto v = Refine(R"([{"op": "resize_images", "mode": "shorter_side", "size": 40, "interpolation": "cubic"},
                      {"op": "resize_images", "mode": "fill", "width": 32, "height": 24},
                      {"op": "convert_images", "format": "png", "color": "gray"}])");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  auto items = *store_->Materialize(*v);
  ASSERT_EQ(items.size(), 2u);
  for (const auto& e : items) {
    EXPECT_TRUE(e.path == "x/a.png" || e.path == "x/b.png") << e.path;
    auto h = image::ReadHeader(*blobs_->Get(e.sha256));
    EXPECT_EQ(h->format, "png");
    EXPECT_EQ(h->width, 32);
    EXPECT_EQ(h->height, 24);
    EXPECT_EQ(h->channels, 1);
  }
}

TEST_F(RefineImagesTest, CollidingNamesAreRefusedBeforeAnyWork) {
  Write("cat/a.png", Image(20, 20, "png"));
  Write("cat/a.jpg", Image(20, 20, "jpeg"));
  IngestAndLabel();
  auto v = Refine(R"([{"op": "convert_images", "format": "jpg"}])");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(v.status().message().find("'cat/a.jpg' and 'cat/a.png' would both become 'cat/a.jpg'"), std::string::npos)
      << v.status().message();
  EXPECT_EQ(VersionCount(), 2u);
}

TEST_F(RefineImagesTest, AnImageThatDoesNotDecodeFailsTheOperationUnlessSkippedOrDropped) {
  Write("cat/ok.png", Image(40, 40, "png"));
  // Passes ingest's magic-byte check, but is no PNG.
  Write("cat/broken.png", "\x89PNG\r\n\x1a\n" + std::string(300, '\x07'));
  std::string jpg = Image(64, 64, "jpeg");
  Write("dog/cut.jpg", jpg.substr(0, jpg.size() / 2));
  IngestAndLabel();
  auto v = Refine(R"([{"op": "resize_images", "mode": "exact", "width": 16, "height": 16}])");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(v.status().message().find("cat/broken.png"), std::string::npos) << v.status().message();
  EXPECT_EQ(VersionCount(), 2u);

  auto skipped = Refine(R"([{"op": "convert_images", "format": "webp", "on_error": "skip"}])");
  if (!image::CanWrite("webp")) skipped = Refine(R"([{"op": "convert_images", "format": "bmp", "on_error": "skip"}])");
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  Json report = Json::parse(skipped->derived_json)["refine_report"][0];
  EXPECT_EQ(report["failed"], 2);
  EXPECT_EQ(report["images_changed"], 1);
  ASSERT_EQ(report["failed_examples"].size(), 2u);
  EXPECT_NE(report["failed_examples"][1].get<std::string>().find("dog/cut.jpg: the jpeg is truncated"), std::string::npos)
      << report.dump();
  EXPECT_EQ(store_->Materialize(*skipped)->size(), 3u);

  auto dropped = Refine(R"([{"op": "resize_images", "width": 8, "height": 8, "on_error": "drop"}])");
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  auto items = *store_->Materialize(*dropped);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].path, "cat/ok.png");
  EXPECT_EQ(Json::parse(dropped->derived_json)["refine_report"][0]["items_dropped"], 2);
}

TEST_F(RefineImagesTest, ManyImagesAcrossBatchesWithNonImagesBetween) {
  // More than one batch of images (64), processed in parallel, applied in path order.
  for (int i = 0; i < 150; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "k%d/i%03d", i % 3, i);
    Write(std::string(name) + ".png", Image(12 + i % 5, 10, "png", i));
    if (i % 7 == 0) Write(std::string(name) + ".json", "{}\n");
  }
  Write("k1/i100.png", "\x89PNG\r\n\x1a\n" + std::string(64, '\x01'));  // one bad image mid-way
  IngestAndLabel();
  auto v = Refine(R"([{"op": "resize_images", "mode": "exact", "width": 6, "height": 5, "on_error": "skip"}])");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  Json report = Json::parse(v->derived_json)["refine_report"][0];
  EXPECT_EQ(report["images_changed"], 149);
  EXPECT_EQ(report["failed"], 1);
  EXPECT_EQ(report["failed_examples"][0].get<std::string>().substr(0, 13), "k1/i100.png: ");
  EXPECT_EQ(report["skipped_non_images"], 22);
  auto items = *store_->Materialize(*v);
  ASSERT_EQ(items.size(), 172u);
  for (const auto& e : items) {
    if (e.path.ends_with(".json") || e.path == "k1/i100.png") continue;
    auto h = image::ReadHeader(*blobs_->Get(e.sha256));
    ASSERT_TRUE(h.ok()) << e.path;
    EXPECT_EQ(h->width, 6) << e.path;
    EXPECT_EQ(Json::parse(e.meta)["label"], e.path.substr(0, 2)) << e.path;
  }
  auto fail = Refine(R"([{"op": "resize_images", "mode": "exact", "width": 6, "height": 5}])");
  ASSERT_FALSE(fail.ok());
  EXPECT_NE(fail.status().message().find("k1/i100.png"), std::string::npos) << fail.status().message();
}

TEST_F(RefineImagesTest, BadImageOperationsAreRefused) {
  for (const char* bad : {
           R"([{"op":"resize_images","mode":"stretch","width":5,"height":5}])",
           R"([{"op":"resize_images","mode":"fit","width":0,"height":5}])",
           R"([{"op":"resize_images","mode":"fit","width":"64","height":64}])",
           R"([{"op":"resize_images","mode":"shorter_side","width":64}])",
           R"([{"op":"resize_images","mode":"fit","width":20000,"height":20000}])",
           R"([{"op":"resize_images","width":5,"height":5,"interpolation":"lanczos"}])",
           R"([{"op":"resize_images","width":5,"height":5,"on_error":"ignore"}])",
           R"([{"op":"convert_images"}])",
           R"([{"op":"convert_images","format":"gif"}])",
           R"([{"op":"convert_images","format":"jpeg","quality":0}])",
           R"([{"op":"convert_images","format":"png","color":"cmyk"}])",
           R"([{"op":"convert_images","format":"png","qualty":50}])",
       }) {
    EXPECT_FALSE(ValidateOperations(Json::parse(bad)).ok()) << bad;
  }
  EXPECT_TRUE(ValidateOperations(Json::parse(R"([{"op":"resize_images","mode":"shorter_side","size":224},
                                                 {"op":"convert_images","format":"jpg","quality":90,"color":"rgb"}])"))
                  .ok());
}

TEST_F(RefineImagesTest, QualityDecodesImagesAndFindsSizeOutliers) {
  for (int i = 0; i < 10; ++i) Write("cat/c" + std::to_string(i) + ".png", Image(64, 48, "png", i));
  Write("cat/huge.png", Image(1200, 900, "png"));
  Write("cat/strip.png", Image(64, 5, "png"));  // same width, 10x the usual aspect ratio
  Write("cat/broken.png", "\x89PNG\r\n\x1a\n" + std::string(300, '\x07'));
  Write("dog/d.jpg", Image(64, 48, "jpeg"));
  IngestAndLabel();
  auto items = *store_->Materialize(*store_->GetVersion(ds_.id, 1));
  auto report = ItemQuality(*blobs_, items, "vision");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::map<std::string, Json> findings;
  for (const auto& f : (*report)["findings"]) findings[f["kind"]] = f;
  ASSERT_TRUE(findings.count("undecodable_images")) << report->dump();
  EXPECT_EQ(findings["undecodable_images"]["count"], 1);
  EXPECT_EQ(findings["undecodable_images"]["examples"][0], "cat/broken.png");
  EXPECT_EQ(findings["undecodable_images"]["details"][0]["path"], "cat/broken.png");
  ASSERT_TRUE(findings.count("image_size_outliers")) << report->dump();
  EXPECT_EQ(findings["image_size_outliers"]["count"], 2) << report->dump();
  EXPECT_EQ(findings["image_size_outliers"]["examples"][0], "cat/huge.png (1200x900)");
  EXPECT_EQ(findings["image_size_outliers"]["examples"][1], "cat/strip.png (64x5)");
  const Json& images = (*report)["images"];
  EXPECT_EQ(images["count"], 14);
  EXPECT_EQ(images["decoded"], 13);
  EXPECT_EQ(images["formats"]["png"], 12);  // the broken one has no readable header
  EXPECT_EQ(images["formats"]["jpeg"], 1);
  EXPECT_EQ(images["width"]["min"], 64);
  EXPECT_EQ(images["width"]["median"], 64);
  EXPECT_EQ(images["width"]["max"], 1200);
  EXPECT_EQ(images["height"]["median"], 48);
  EXPECT_FALSE((*report)["ok"]);
}

}  // namespace
}  // namespace moebius::data
