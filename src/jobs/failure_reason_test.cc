#include "jobs/failure_reason.h"

#include <gtest/gtest.h>

namespace moebius::jobs {
namespace {

TEST(FailureReasonTest, NamesWhatALogSaysWentWrong) {
  struct Case {
    const char* log;
    const char* reason;
  } cases[] = {
      // A Python traceback: its exception line, not the frames or what came before.
      {"epoch 1\nTraceback (most recent call last):\n  File \"train.py\", line 3, in <module>\n    x = float(v)\n"
       "ValueError: could not convert string to float: 'abc'\n",
       "ValueError: could not convert string to float: 'abc'"},
      // A chained traceback: the last exception.
      {"Traceback (most recent call last):\n  File \"a\", line 1\nKeyError: 'x'\n\nDuring handling of the above exception, "
       "another exception occurred:\n\nTraceback (most recent call last):\n  File \"b\", line 2\nRuntimeError: no label column\n",
       "RuntimeError: no label column"},
      // The trainer's own message, after progress lines.
      {"train: reading data/customers\ntrain: 3000 rows\nmoebius: error: --label 'churn' is not a column of data/customers\n",
       "moebius: error: --label 'churn' is not a column of data/customers"},
      // An error line followed by noise.
      {"step 1\nERROR: disk quota exceeded\ncleaning up\n\n", "ERROR: disk quota exceeded"},
      {"sh: 1: foo: not found\n", "sh: 1: foo: not found"},
      // Nothing reads as an error: the last line.
      {"loading\nbad\n", "bad"},
      // Colour codes and carriage returns go.
      {"\x1b[31mFatal: out of memory\x1b[0m\r\n", "Fatal: out of memory"},
      // The worker's notes are no reason, unless they name an error.
      {"[moebius] job 7 attempt 1 on worker w in /tmp/x\n", ""},
      {"[moebius] job 7 attempt 1 on worker w in /tmp/x\n[moebius] collecting the job's outputs failed: no file\n",
       "[moebius] collecting the job's outputs failed: no file"},
      {"", ""},
      {"\n \n\t\n", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(FailureReason(c.log), c.reason) << c.log;
}

TEST(FailureReasonTest, LongLinesAreCutAtACharacterBoundary) {
  std::string line = "error: " + std::string(400, 'x');
  EXPECT_EQ(FailureReason(line, 20), "error: xxxxxxxxxxxxx…");
  std::string korean = "오류: ";  // 3-byte characters
  for (int i = 0; i < 100; ++i) korean += "가";
  std::string cut = FailureReason(korean, 20);
  EXPECT_EQ(cut.substr(cut.size() - 3), "…");
  EXPECT_EQ((cut.size() - 3 - 8) % 3, 0u) << cut;  // "오류: " is 8 bytes, then whole characters
}

}  // namespace
}  // namespace moebius::jobs
