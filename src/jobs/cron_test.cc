#include "jobs/cron.h"

#include <gtest/gtest.h>

#include <ctime>

namespace moebius::jobs {
namespace {

// "YYYY-MM-DD HH:MM" in UTC → ms.
int64_t At(const char* text) {
  std::tm tm{};
  EXPECT_NE(::strptime(text, "%Y-%m-%d %H:%M", &tm), nullptr) << text;
  return static_cast<int64_t>(::timegm(&tm)) * 1000;
}

std::string Fmt(int64_t ms) {
  std::time_t t = ms / 1000;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %a", &tm);
  return buf;
}

std::vector<std::string> NextN(const std::string& expr, const char* from, int n) {
  auto c = CronSchedule::Parse(expr);
  EXPECT_TRUE(c.ok()) << expr << ": " << c.status().ToString();
  std::vector<std::string> out;
  int64_t t = At(from);
  for (int i = 0; i < n; ++i) out.push_back(Fmt(t = c->Next(t)));
  return out;
}

TEST(CronTest, EveryMinuteAndSteps) {
  EXPECT_EQ(NextN("* * * * *", "2026-11-26 15:22", 2), (std::vector<std::string>{"2026-11-26 15:23 Thu", "2026-11-26 15:24 Thu"}));
  EXPECT_EQ(NextN("*/15 * * * *", "2026-11-26 15:22", 3),
            (std::vector<std::string>{"2026-11-26 15:30 Thu", "2026-11-26 15:45 Thu", "2026-11-26 16:00 Thu"}));
  EXPECT_EQ(NextN("5/20 9-10 * * *", "2026-11-26 10:50", 3),
            (std::vector<std::string>{"2026-11-27 09:05 Fri", "2026-11-27 09:25 Fri", "2026-11-27 09:45 Fri"}));
  // Strictly after: a time that matches is not returned for itself.
  EXPECT_EQ(NextN("30 15 * * *", "2026-11-26 15:30", 1), std::vector<std::string>{"2026-11-27 15:30 Fri"});
}

TEST(CronTest, ListsRangesNamesAndMacros) {
  EXPECT_EQ(NextN("0 9 * * MON-FRI", "2026-11-27 10:00", 2),  // Friday after 9: Monday next
            (std::vector<std::string>{"2026-11-30 09:00 Mon", "2026-12-01 09:00 Tue"}));
  EXPECT_EQ(NextN("0 0 1 jan,jul *", "2026-11-26 00:00", 2), (std::vector<std::string>{"2027-01-01 00:00 Fri", "2027-07-01 00:00 Thu"}));
  EXPECT_EQ(NextN("0 12 * * 7", "2026-11-26 00:00", 1), std::vector<std::string>{"2026-11-29 12:00 Sun"});  // 7 is Sunday
  EXPECT_EQ(NextN("@daily", "2026-12-31 23:59", 1), std::vector<std::string>{"2027-01-01 00:00 Fri"});
  EXPECT_EQ(NextN("@weekly", "2026-11-26 00:00", 1), std::vector<std::string>{"2026-11-29 00:00 Sun"});
  EXPECT_EQ(NextN("@hourly", "2026-11-26 15:00", 1), std::vector<std::string>{"2026-11-26 16:00 Thu"});
}

TEST(CronTest, DayOfMonthAndDayOfWeekTogetherMatchEither) {
  // Vixie cron: the 13th, and every Friday.
  EXPECT_EQ(NextN("0 0 13 * FRI", "2026-11-26 00:00", 3),
            (std::vector<std::string>{"2026-11-27 00:00 Fri", "2026-12-04 00:00 Fri", "2026-12-11 00:00 Fri"}));
  EXPECT_EQ(NextN("0 0 13 * FRI", "2026-12-11 00:00", 1), std::vector<std::string>{"2026-12-13 00:00 Sun"});
}

TEST(CronTest, MonthEndsAndLeapDays) {
  EXPECT_EQ(NextN("0 0 31 * *", "2026-11-26 00:00", 3),
            (std::vector<std::string>{"2026-12-31 00:00 Thu", "2027-01-31 00:00 Sun", "2027-03-31 00:00 Wed"}));
  EXPECT_EQ(NextN("0 0 29 2 *", "2026-11-26 00:00", 2), (std::vector<std::string>{"2028-02-29 00:00 Tue", "2032-02-29 00:00 Sun"}));
}

TEST(CronTest, BadExpressionsSayWhatIsWrong) {
  auto msg = [](const std::string& e) {
    auto c = CronSchedule::Parse(e);
    EXPECT_FALSE(c.ok()) << e;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument) << e;
    return c.ok() ? std::string() : c.status().message();
  };
  EXPECT_NE(msg("* * * *").find("5 fields"), std::string::npos);
  EXPECT_NE(msg("* * * * * *").find("got 6"), std::string::npos);
  EXPECT_NE(msg("60 * * * *").find("minute: 60 is outside 0-59"), std::string::npos);
  EXPECT_NE(msg("* 24 * * *").find("hour"), std::string::npos);
  EXPECT_NE(msg("* * 0 * *").find("day-of-month"), std::string::npos);
  EXPECT_NE(msg("* * * 13 *").find("month"), std::string::npos);
  EXPECT_NE(msg("* * * * 8").find("day-of-week"), std::string::npos);
  EXPECT_NE(msg("*/0 * * * *").find("step"), std::string::npos);
  EXPECT_NE(msg("5-1 * * * *").find("backwards"), std::string::npos);
  EXPECT_NE(msg("a * * * *").find("not a number"), std::string::npos);
  EXPECT_NE(msg("1,,2 * * * *").find("empty item"), std::string::npos);
  EXPECT_NE(msg("0 0 30 2 *").find("never fires"), std::string::npos);
  EXPECT_NE(msg("@sometimes").find("unknown cron macro"), std::string::npos);
  EXPECT_NE(msg("").find("5 fields"), std::string::npos);
}

}  // namespace
}  // namespace moebius::jobs
