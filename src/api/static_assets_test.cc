#include "api/static_assets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/crypto.h"

namespace moebius::api {
namespace {

namespace fs = std::filesystem;

// The web/dist this binary was built from (a compile definition of the test).
const fs::path kDist = MOEBIUS_WEB_DIST;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(StaticAssetsTest, EveryFileOfWebDistIsEmbeddedByteForByte) {
  if (!fs::exists(kDist / "index.html")) {
    EXPECT_FALSE(HaveWebUi());
    EXPECT_EQ(FindStaticAsset("/index.html"), nullptr);
    GTEST_SKIP() << "built without web/dist";
  }
  ASSERT_TRUE(HaveWebUi());
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(kDist)) {
    if (!e.is_regular_file()) continue;
    std::string path = "/" + fs::relative(e.path(), kDist).generic_string();
    const StaticAsset* a = FindStaticAsset(path);
    ASSERT_NE(a, nullptr) << path;
    std::string content = ReadFile(e.path());
    EXPECT_EQ(a->body, content) << path;
    EXPECT_EQ(a->etag, Sha256Hex(content).substr(0, 32)) << path;
    std::string ext = e.path().extension().string();
    if (ext == ".js") EXPECT_EQ(a->content_type, "text/javascript; charset=utf-8");
    if (ext == ".html") EXPECT_EQ(a->content_type, "text/html; charset=utf-8");
    if (ext == ".css") EXPECT_EQ(a->content_type, "text/css; charset=utf-8");
    ++n;
  }
  EXPECT_GT(n, 0);
}

TEST(StaticAssetsTest, OnlyExactPathsMatch) {
  EXPECT_EQ(FindStaticAsset(""), nullptr);
  EXPECT_EQ(FindStaticAsset("/"), nullptr);
  EXPECT_EQ(FindStaticAsset("index.html"), nullptr);
  EXPECT_EQ(FindStaticAsset("/index.html/"), nullptr);
  EXPECT_EQ(FindStaticAsset("/../index.html"), nullptr);
  EXPECT_EQ(FindStaticAsset("/assets/no-such-file.js"), nullptr);
  EXPECT_EQ(FindStaticAsset(std::string_view("/index.html\0x", 13)), nullptr);
}

}  // namespace
}  // namespace moebius::api
