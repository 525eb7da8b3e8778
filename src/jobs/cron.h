// Cron expressions for recurring jobs (EXP-9): the classic five fields, evaluated in UTC.
//
//   minute (0-59)  hour (0-23)  day-of-month (1-31)  month (1-12 or JAN-DEC)  day-of-week (0-7 or SUN-SAT; 0 and 7 are Sunday)
//
// Each field is `*`, a number, a range `a-b`, a step `*/n` or `a-b/n` or `a/n` (from a to the
// end), or a comma list of those. As in Vixie cron, when both day-of-month and day-of-week are
// restricted a day matches if EITHER matches. Also accepted: @hourly, @daily (@midnight),
// @weekly, @monthly, @yearly (@annually). Seconds, years, `L`, `W`, `#` and `?` are not.
//
// Thread-safety: a CronSchedule is immutable after Parse; Next may be called from any thread.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"

namespace moebius::jobs {

class CronSchedule {
 public:
  // kInvalidArgument naming the field and what is wrong; also for an expression that never fires
  // (e.g. "0 0 30 2 *": February 30th).
  static Result<CronSchedule> Parse(const std::string& expr);

  // The first minute strictly after `after_ms` (ms since the epoch, UTC) that matches, in ms.
  // Always found for a parsed schedule (Parse refuses those that never fire).
  int64_t Next(int64_t after_ms) const;

  bool Matches(int64_t minute_ms) const;
  const std::string& expr() const { return expr_; }

 private:
  // Searches at most ~5 years ahead (every Feb 29 is within 8 years, so Parse checks 9).
  std::optional<int64_t> NextWithin(int64_t after_ms, int years) const;
  bool DayMatches(int year, int month, int day) const;

  std::string expr_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1-31
  std::bitset<13> months_;   // 1-12
  std::bitset<7> weekdays_;  // 0-6, Sunday 0
  bool days_star_ = true, weekdays_star_ = true;
};

}  // namespace moebius::jobs
