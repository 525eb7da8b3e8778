// The matchers fail where they should: a wrong code, a wrong message, an error where OK was
// expected (checked with gtest's EXPECT_NONFATAL_FAILURE).
#include "testing/test_support.h"

#include <gtest/gtest-spi.h>

#include <fstream>

namespace moebius::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Result<int> Seven() { return 7; }
Result<int> Bad() { return InvalidArgument("field 'x' must be a string"); }

TEST(StatusIs, MatchesCodeAndMessage) {
  EXPECT_THAT(Bad(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Bad(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("field 'x'")));
  EXPECT_THAT(Bad(), Not(StatusIs(StatusCode::kNotFound)));
  EXPECT_THAT(Bad(), Not(StatusIs(StatusCode::kInvalidArgument, HasSubstr("field 'y'"))));
  EXPECT_THAT(Status::Ok(), StatusIs(StatusCode::kOk));
  EXPECT_THAT(Seven(), Not(StatusIs(StatusCode::kInvalidArgument)));
}

TEST(ExpectOk, FailsOnAnErrorAndPrintsIt) {
  EXPECT_OK(Seven());
  EXPECT_OK(Status::Ok());
  EXPECT_NONFATAL_FAILURE(EXPECT_OK(Bad()), "INVALID_ARGUMENT: field 'x' must be a string");
}

TEST(AssertOkAndAssign, TakesTheValue) {
  ASSERT_OK_AND_ASSIGN(int v, Seven());
  EXPECT_EQ(v, 7);
}

TEST(TempDirTest, IsFreshAndRemoved) {
  std::filesystem::path kept;
  {
    TempDir dir;
    kept = dir.path();
    EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
    std::ofstream(dir / "a.txt") << "x";
    EXPECT_TRUE(std::filesystem::exists(dir / "a.txt"));
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

}  // namespace
}  // namespace moebius::testing
