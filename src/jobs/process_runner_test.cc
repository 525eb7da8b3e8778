#include "jobs/process_runner.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

namespace moebius::jobs {
namespace {

struct Outcome {
  Result<ProcessResult> result = Internal("not run");
  std::string output;
  int chunks = 0;
  double seconds = 0;
};

Outcome Start(std::vector<std::string> argv, ProcessOptions options = {}, const std::atomic<bool>* cancel = nullptr,
          std::vector<std::pair<std::string, std::string>> env = {}, std::string cwd = "") {
  static std::atomic<bool> never{false};
  Outcome r;
  auto t0 = std::chrono::steady_clock::now();
  r.result = RunProcess({std::move(argv), std::move(env), std::move(cwd)}, options,
                        [&](std::string_view c) {
                          r.output.append(c);
                          ++r.chunks;
                        },
                        cancel ? *cancel : never);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

// Whether a process whose command line contains `marker` is still alive.
bool Alive(const std::string& marker) {
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string pid = e.path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline");
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (char& c : cmd) if (c == '\0') c = ' ';
    std::ifstream stat(e.path() / "stat");
    std::string st((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    bool zombie = st.find(") Z ") != std::string::npos;
    if (!zombie && cmd.find(marker) != std::string::npos && cmd.find("process_runner_test") == std::string::npos) return true;
  }
  return false;
}

TEST(ProcessRunner, ExitCodesAndSignals) {
  for (auto [cmd, code, sig] : std::vector<std::tuple<std::string, int, int>>{
           {"exit 0", 0, 0}, {"exit 3", 3, 0}, {"exit 255", 255, 0}, {"kill -9 $$", -1, 9}}) {
    Outcome r = Start({"sh", "-c", cmd});
    ASSERT_TRUE(r.result.ok()) << r.result.status().ToString();
    EXPECT_EQ(r.result->exit_code, code) << cmd;
    EXPECT_EQ(r.result->signal, sig) << cmd;
    EXPECT_FALSE(r.result->timed_out);
  }
}

TEST(ProcessRunner, CapturesStdoutAndStderrInOrder) {
  Outcome r = Start({"sh", "-c", "echo one; echo two >&2; echo three; printf 'no newline'"});
  ASSERT_TRUE(r.result.ok());
  EXPECT_EQ(r.output, "one\ntwo\nthree\nno newline");
}

TEST(ProcessRunner, LargeOutputArrivesWholeInBoundedChunks) {
  ProcessOptions o;
  o.flush_bytes = 64 * 1024;
  Outcome r = Start({"sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' x"}, o);
  ASSERT_TRUE(r.result.ok());
  EXPECT_EQ(r.output.size(), 3000000u);
  EXPECT_GT(r.chunks, 10);
}

TEST(ProcessRunner, OutputIsFlushedWhileTheChildRuns) {
  std::atomic<bool> cancel{false};
  std::string seen;
  std::thread t([&] {
    (void)RunProcess({{"sh", "-c", "echo early; sleep 3; echo late"}, {}, ""}, {},
               [&](std::string_view c) {
                 if (seen.empty()) seen = std::string(c);
               },
               cancel);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(seen, "early\n");  // well before the child ends
  t.join();
}

TEST(ProcessRunner, InvalidUtf8BecomesReplacementCharacters) {
  Outcome r = Start({"sh", "-c", "printf 'a\\377b\\303\\251'"});
  ASSERT_TRUE(r.result.ok());
  EXPECT_EQ(r.output, "a\xEF\xBF\xBD" "b\xC3\xA9");
}

TEST(ProcessRunner, EnvironmentAndWorkingDirectory) {
  std::string dir = ::testing::TempDir() + "/pr-cwd";
  std::filesystem::create_directories(dir);
  Outcome r = Start({"sh", "-c", "echo $MOEBIUS_X; pwd"}, {}, nullptr, {{"MOEBIUS_X", "hello"}}, dir);
  ASSERT_TRUE(r.result.ok());
  EXPECT_EQ(r.output, "hello\n" + std::filesystem::canonical(dir).string() + "\n");
}

TEST(ProcessRunner, CommandNotFoundIsAClearError) {
  Outcome r = Start({"moebius-no-such-command-xyz", "arg"});
  ASSERT_FALSE(r.result.ok());
  EXPECT_EQ(r.result.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.result.status().message(), "command not found: moebius-no-such-command-xyz");
  Outcome rel = Start({"./missing.sh"});
  ASSERT_FALSE(rel.result.ok());
  EXPECT_NE(rel.result.status().message().find("command not found: ./missing.sh"), std::string::npos);
  EXPECT_FALSE(Start({}).result.ok());
  EXPECT_FALSE(Start({"true"}, {}, nullptr, {}, "/no/such/dir").result.ok());
}

TEST(ProcessRunner, TimeoutKillsAChildThatIgnoresSigtermAfterTheGrace) {
  ProcessOptions o;
  o.timeout_ms = 300;
  o.kill_grace_ms = 700;
  Outcome r = Start({"sh", "-c", "trap '' TERM; echo started; sleep 30 # moebius-marker-timeout"}, o);
  ASSERT_TRUE(r.result.ok());
  EXPECT_TRUE(r.result->timed_out);
  EXPECT_EQ(r.result->signal, SIGKILL);
  EXPECT_GE(r.seconds, 0.9);
  EXPECT_LT(r.seconds, 5);
  EXPECT_EQ(r.output, "started\n");
  EXPECT_FALSE(Alive("moebius-marker-timeout"));
}

TEST(ProcessRunner, TimeoutEndsAnOrdinaryChildWithSigterm) {
  ProcessOptions o;
  o.timeout_ms = 200;
  Outcome r = Start({"sleep", "30"}, o);
  ASSERT_TRUE(r.result.ok());
  EXPECT_TRUE(r.result->timed_out);
  EXPECT_EQ(r.result->signal, SIGTERM);
  EXPECT_LT(r.seconds, 3);
}

TEST(ProcessRunner, CancelKillsGrandchildrenToo) {
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    cancel = true;
  });
  // The shell's background child and its foreground child are both grandchildren of ours.
  Outcome r = Start({"sh", "-c", "sleep 101.5 & sleep 102.5; echo never"}, {}, &cancel);
  canceller.join();
  ASSERT_TRUE(r.result.ok());
  EXPECT_TRUE(r.result->cancelled);
  EXPECT_LT(r.seconds, 4);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(Alive("sleep 101.5"));
  EXPECT_FALSE(Alive("sleep 102.5"));
}

TEST(ProcessRunner, LeftoversInTheGroupDieWithTheMainChild) {
  Outcome r = Start({"sh", "-c", "sleep 103.5 & echo bye"});
  ASSERT_TRUE(r.result.ok());
  EXPECT_EQ(r.result->exit_code, 0);
  EXPECT_LT(r.seconds, 4);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(Alive("sleep 103.5"));
}

}  // namespace
}  // namespace moebius::jobs
