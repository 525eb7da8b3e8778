#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "cli/credentials.h"
#include "cli/rest_client.h"
#include "cli/table_printer.h"

namespace moebius::cli {
namespace {

TEST(TablePrinterTest, AlignsWideCharacters) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("고객"), 4u);
  EXPECT_EQ(DisplayWidth("a한b"), 4u);
  TablePrinter t({"NAME", "V"});
  t.AddRow({"고객 이탈", "1"});
  t.AddRow({"churn", "2"});
  EXPECT_EQ(t.Render(), "NAME       V\n고객 이탈  1\nchurn      2\n");
}

TEST(TablePrinterTest, TruncatesLongCellsAndFlattensNewlines) {
  TablePrinter t({"A"}, 5);
  t.AddRow({"abcdefgh"});
  t.AddRow({"한국어입니다"});
  t.AddRow({"x\ny"});
  std::string out = t.Render();
  EXPECT_NE(out.find("abcd…"), std::string::npos);
  EXPECT_NE(out.find("한국…"), std::string::npos);
  EXPECT_NE(out.find("x y"), std::string::npos);
}

TEST(CredentialsTest, RoundTripWithMode0600) {
  auto dir = std::filesystem::temp_directory_path() / ("moebius-cli-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::string path = (dir / "sub" / "credentials.json").string();
  EXPECT_FALSE(LoadCredentials(path)->has_value());
  ASSERT_TRUE(SaveCredentials(path, {"http://h:1", "alice", "mbt_secret", "abc"}).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto c = LoadCredentials(path);
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ((*c)->token, "mbt_secret");
  EXPECT_EQ((*c)->username, "alice");
  ASSERT_TRUE(RemoveCredentials(path).ok());
  EXPECT_FALSE(LoadCredentials(path)->has_value());
  std::filesystem::remove_all(dir);
}

TEST(RestClientTest, UnreachableServerIsUnavailable) {
  RestClient c("http://127.0.0.1:1", "");
  auto r = c.Get("/healthz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("cannot reach the server at http://127.0.0.1:1"), std::string::npos);
  EXPECT_EQ(RestClient::Segment("a b/c"), "a%20b%2Fc");
}

}  // namespace
}  // namespace moebius::cli
