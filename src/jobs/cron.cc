#include "jobs/cron.h"

#include <array>
#include <cctype>
#include <optional>
#include <vector>

#include "base/strings.h"

namespace moebius::jobs {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kDayMs = 86'400'000;

// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yy + (m <= 2));
}

int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 13> kDays{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m];
}

const char* const kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const char* const kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct FieldSpec {
  const char* name;
  int lo, hi;
  const char* const* names;  // names[i] is lo + i (months) or i (days); nullptr for none
  int name_count;
};

Result<int> Value(const std::string& text, const FieldSpec& f) {
  if (f.names) {
    std::string up = text;
    for (char& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    for (int i = 0; i < f.name_count; ++i)
      if (up == f.names[i]) return f.lo == 1 ? i + 1 : i;
  }
  auto v = ParseInt64(text);
  if (!v) return InvalidArgument(std::string(f.name) + ": '" + text + "' is not a number" + (f.names ? " or a name" : ""));
  if (*v < f.lo || *v > f.hi)
    return InvalidArgument(std::string(f.name) + ": " + text + " is outside " + std::to_string(f.lo) + "-" + std::to_string(f.hi));
  return static_cast<int>(*v);
}

// Sets the bits of `field` (indexes lo..hi) that `text` selects; `star` tells whether it was '*'.
Status ParseField(const std::string& text, const FieldSpec& f, std::vector<bool>& bits, bool& star) {
  bits.assign(f.hi + 1, false);
  star = text == "*" || text == "*/1";
  if (text.empty()) return InvalidArgument(std::string(f.name) + " is empty");
  for (const std::string& part : Split(text, ',')) {
    if (part.empty()) return InvalidArgument(std::string(f.name) + ": empty item in '" + text + "'");
    std::string range = part;
    int step = 1;
    if (size_t slash = part.find('/'); slash != std::string::npos) {
      range = part.substr(0, slash);
      auto s = ParseInt64(part.substr(slash + 1));
      if (!s || *s < 1 || *s > f.hi) return InvalidArgument(std::string(f.name) + ": step in '" + part + "' must be 1 to " + std::to_string(f.hi));
      step = static_cast<int>(*s);
    }
    int lo, hi;
    if (range == "*") {
      lo = f.lo;
      hi = f.hi;
    } else if (size_t dash = range.find('-'); dash != std::string::npos) {
      ASSIGN_OR_RETURN(lo, Value(range.substr(0, dash), f));
      ASSIGN_OR_RETURN(hi, Value(range.substr(dash + 1), f));
      if (hi < lo) return InvalidArgument(std::string(f.name) + ": range '" + range + "' runs backwards");
    } else {
      ASSIGN_OR_RETURN(lo, Value(range, f));
      hi = part.find('/') != std::string::npos ? f.hi : lo;  // "a/n": from a to the end
    }
    for (int v = lo; v <= hi; v += step) bits[v] = true;
  }
  return Status::Ok();
}

}  // namespace

Result<CronSchedule> CronSchedule::Parse(const std::string& input) {
  std::string expr(Trim(input));
  static const std::pair<const char*, const char*> kMacros[] = {{"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"},
                                                                 {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
                                                                 {"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"},
                                                                 {"@hourly", "0 * * * *"}};
  std::string fields_text = expr;
  if (!expr.empty() && expr[0] == '@') {
    bool found = false;
    for (const auto& [name, value] : kMacros)
      if (ToLower(expr) == name) {
        fields_text = value;
        found = true;
      }
    if (!found) return InvalidArgument("unknown cron macro '" + expr + "' (known: @hourly, @daily, @weekly, @monthly, @yearly)");
  }
  std::vector<std::string> fields;
  for (const auto& f : Split(fields_text, ' '))
    if (!f.empty()) fields.push_back(f);
  if (fields.size() != 5)
    return InvalidArgument("a cron expression has 5 fields (minute hour day-of-month month day-of-week), got " +
                           std::to_string(fields.size()) + " in '" + expr + "'");
  static const FieldSpec kSpecs[] = {{"minute", 0, 59, nullptr, 0},
                                     {"hour", 0, 23, nullptr, 0},
                                     {"day-of-month", 1, 31, nullptr, 0},
                                     {"month", 1, 12, kMonthNames, 12},
                                     {"day-of-week", 0, 7, kDayNames, 7}};
  CronSchedule c;
  c.expr_ = expr;
  std::vector<bool> bits;
  bool star = false;
  for (int i = 0; i < 5; ++i) {
    RETURN_IF_ERROR(ParseField(fields[i], kSpecs[i], bits, star));
    for (int v = kSpecs[i].lo; v <= kSpecs[i].hi; ++v) {
      if (!bits[v]) continue;
      switch (i) {
        case 0: c.minutes_.set(v); break;
        case 1: c.hours_.set(v); break;
        case 2: c.days_.set(v); break;
        case 3: c.months_.set(v); break;
        case 4: c.weekdays_.set(v % 7); break;
      }
    }
    if (i == 2) c.days_star_ = star;
    if (i == 4) c.weekdays_star_ = star;
  }
  if (!c.NextWithin(0, 9))
    return InvalidArgument("cron expression '" + expr + "' never fires (no such day in the months it names)");
  return c;
}

bool CronSchedule::DayMatches(int year, int month, int day) const {
  int weekday = static_cast<int>(((DaysFromCivil(year, month, day) % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
  bool dom = days_.test(day), dow = weekdays_.test(weekday);
  if (days_star_ || weekdays_star_) return (days_star_ || dom) && (weekdays_star_ || dow);
  return dom || dow;  // both restricted: either
}

bool CronSchedule::Matches(int64_t minute_ms) const {
  int64_t day_index = minute_ms >= 0 ? minute_ms / kDayMs : (minute_ms - kDayMs + 1) / kDayMs;
  int64_t in_day = minute_ms - day_index * kDayMs;
  int y, m, d;
  CivilFromDays(day_index, y, m, d);
  return months_.test(m) && DayMatches(y, m, d) && hours_.test(in_day / 3'600'000) && minutes_.test(in_day / kMinuteMs % 60);
}

std::optional<int64_t> CronSchedule::NextWithin(int64_t after_ms, int years) const {
  int64_t t = (after_ms >= 0 ? after_ms / kMinuteMs : (after_ms - kMinuteMs + 1) / kMinuteMs) * kMinuteMs + kMinuteMs;
  int64_t day_index = t >= 0 ? t / kDayMs : (t - kDayMs + 1) / kDayMs;
  int y, m, d;
  CivilFromDays(day_index, y, m, d);
  int limit_year = y + years;
  int minute_of_day = static_cast<int>((t - day_index * kDayMs) / kMinuteMs);
  // Day by day (skipping months that do not match), then the first matching minute in the day.
  while (y <= limit_year) {
    if (!months_.test(m)) {
      if (++m > 12) m = 1, ++y;
      d = 1;
      minute_of_day = 0;
      continue;
    }
    if (DayMatches(y, m, d)) {
      for (int mm = minute_of_day; mm < 1440; ++mm)
        if (hours_.test(mm / 60) && minutes_.test(mm % 60)) return DaysFromCivil(y, m, d) * kDayMs + mm * kMinuteMs;
    }
    minute_of_day = 0;
    if (++d > DaysInMonth(y, m)) {
      d = 1;
      if (++m > 12) m = 1, ++y;
    }
  }
  return std::nullopt;
}

int64_t CronSchedule::Next(int64_t after_ms) const {
  auto n = NextWithin(after_ms, 9);
  return n ? *n : after_ms + 9LL * 366 * kDayMs;  // unreachable for a parsed schedule
}

}  // namespace moebius::jobs
