#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cli/credentials.h"
#include "cli/rest_client.h"
#include "cli/table_printer.h"

namespace moebius::cli {
namespace {

TEST(TablePrinterTest, AlignsWideCharacters) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("고객"), 4u);
  EXPECT_EQ(DisplayWidth("a한b"), 4u);
  EXPECT_EQ(DisplayWidth("e\u0301"), 1u);             // e + combining acute
  EXPECT_EQ(DisplayWidth("\u1112\u1161\u11ab"), 2u);  // 한 as conjoining jamo
  EXPECT_EQ(DisplayWidth("ＡＢ"), 4u);                // fullwidth Latin
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
  for (size_t start = 0, end; (end = out.find('\n', start)) != std::string::npos; start = end + 1)
    EXPECT_LE(DisplayWidth(out.substr(start, end - start)), 5u);
  TablePrinter odd({"A", "B"}, 4);
  odd.AddRow({"한국어", "x"});  // a wide character that would straddle the limit is dropped
  EXPECT_EQ(odd.Render(), "A    B\n한…  x\n");
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
  ASSERT_EQ(::stat((dir / "sub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0);  // a new folder is the owner's only
  ASSERT_TRUE(SaveCredentials(path, {"http://h:2", "bob", "mbt_other", "def"}).ok());  // replaces
  EXPECT_EQ((*LoadCredentials(path))->server, "http://h:2");
  ASSERT_TRUE(SaveCredentials(path, {"http://h:1", "alice", "mbt_secret", "abc"}).ok());
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

struct CliOutput {
  int rc;
  std::string out;
  std::string err;
};

// Runs the CLI in-process with no stored login and nothing in the environment.
class CliArgsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("moebius-cli-args-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    ::setenv("MOEBIUS_CONFIG_DIR", dir_.c_str(), 1);
    ::unsetenv("MOEBIUS_SERVER");
    ::unsetenv("MOEBIUS_TOKEN");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static CliOutput Cli(std::vector<std::string> args) {
    args.insert(args.begin(), "moebius");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    testing::internal::CaptureStdout();
    testing::internal::CaptureStderr();
    int rc = RunCli(static_cast<int>(args.size()), argv.data());
    std::string out = testing::internal::GetCapturedStdout();
    return {rc, out, testing::internal::GetCapturedStderr()};
  }

  // A server nobody listens on: a command that parsed fails only when it connects.
  static std::vector<std::string> Unreachable(std::vector<std::string> args) {
    args.insert(args.end(), {"--server", "http://127.0.0.1:1", "--token", "mbt_x"});
    return args;
  }

  std::filesystem::path dir_;
};

TEST_F(CliArgsTest, UsageErrorsExitTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"project"},
      {"project", "frobnicate"},
      {"project", "show"},
      {"project", "add-member", "churn", "alice"},
      {"task", "create", "churn", "t1", "--problem-type", "classification"},  // no --domain
      {"task", "evaluate", "churn", "t1"},
      {"run", "compare", "r1"},
      {"run", "list", "1", "--max", "many"},
      {"token", "create", "ci", "--expires-days", "soon"},
      {"experiment", "list", "churn", "--no-such-flag"},
  };
  for (const auto& args : cases) {
    CliOutput r = Cli(args);
    EXPECT_EQ(r.rc, 2) << "args: " << testing::PrintToString(args) << "\n" << r.err;
  }
}

TEST_F(CliArgsTest, HelpExitsZero) {
  CliOutput r = Cli({"run", "list", "--help"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_NE(r.out.find("--order-by"), std::string::npos);
}

TEST_F(CliArgsTest, ValidCommandsParseAndFailOnlyAtTheNetwork) {
  const std::vector<std::vector<std::string>> cases = {
      {"project", "list"},
      {"project", "create", "churn", "--display-name", "고객 이탈", "--description", "d"},
      {"project", "add-member", "churn", "alice", "viewer"},
      {"task", "create", "churn", "t1", "--domain", "tabular", "--problem-type", "classification", "--metric", "f1",
       "--metric", "auc", "--primary-metric", "f1", "--criteria", "f1 >= 0.8"},
      {"task", "evaluate", "churn", "t1", "abc123"},
      {"experiment", "show", "7"},
      {"run", "list", "7", "--filter", "metrics.f1 > 0.8", "--order-by", "metrics.f1 DESC", "--order-by", "start_time", "--max", "5"},
      {"run", "compare", "r1", "r2", "r3"},
      {"token", "revoke", "tok1"},
  };
  for (const auto& args : cases) {
    CliOutput r = Cli(Unreachable(args));
    EXPECT_EQ(r.rc, 1) << "args: " << testing::PrintToString(args) << "\n" << r.err;
    EXPECT_NE(r.err.find("error: cannot reach the server at http://127.0.0.1:1"), std::string::npos) << r.err;
  }
}

TEST_F(CliArgsTest, GlobalFlagsGoBeforeOrAfterTheCommand) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--json", "--server", "http://127.0.0.1:1", "--token", "t", "project", "list"},
           {"project", "--json", "list", "--server", "http://127.0.0.1:1", "--token", "t"},
           {"project", "list", "--json", "--server", "http://127.0.0.1:1", "--token", "t"}}) {
    CliOutput r = Cli(args);
    EXPECT_EQ(r.rc, 1) << testing::PrintToString(args) << "\n" << r.err;
    EXPECT_NE(r.err.find("cannot reach the server"), std::string::npos) << r.err;
  }
}

TEST_F(CliArgsTest, NotLoggedInIsAClearError) {
  CliOutput r = Cli({"project", "list"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("error: not logged in"), std::string::npos) << r.err;
  r = Cli({"login", "--username", "admin", "--password-stdin"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("--server URL is required"), std::string::npos) << r.err;
  r = Cli({"logout"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("not logged in"), std::string::npos) << r.err;
}

TEST_F(CliArgsTest, EnvironmentSuppliesServerAndToken) {
  ::setenv("MOEBIUS_SERVER", "http://127.0.0.1:1", 1);
  ::setenv("MOEBIUS_TOKEN", "mbt_env", 1);
  CliOutput r = Cli({"user", "list"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("cannot reach the server at http://127.0.0.1:1"), std::string::npos) << r.err;
}

TEST_F(CliArgsTest, RunCreateValidatesValuesBeforeContactingTheServer) {
  CliOutput r = Cli(Unreachable({"run", "create", "7", "--metric", "f1=high"}));
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("--metric f1 needs a number, got 'high'"), std::string::npos) << r.err;
  r = Cli(Unreachable({"run", "create", "7", "--param", "noequals"}));
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("--param takes KEY=VALUE"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace moebius::cli
