#include "data/table/column_builder.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "data/table/simple_decimal.h"

namespace moebius::data::internal {
namespace {

constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool Eq(std::string_view s, const char* lit) { return s == std::string_view(lit); }

bool IsBoolToken(std::string_view s, bool* v) {
  if (s.size() == 4 && (Eq(s, "true") || Eq(s, "True") || Eq(s, "TRUE"))) {
    *v = true;
    return true;
  }
  if (s.size() == 5 && (Eq(s, "false") || Eq(s, "False") || Eq(s, "FALSE"))) {
    *v = false;
    return true;
  }
  return false;
}

std::string_view TrimSpaces(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

enum class Kind { kMissing, kBool, kInt, kFloat, kText };

// Parses a number covering all of `s`; sets *integral when it is written as an integer.
bool ParseNumber(std::string_view s, double* v, bool* integral) {
  if (!s.empty() && (s.front() == ' ' || s.back() == ' ' || s.front() == '\t' || s.back() == '\t')) s = TrimSpaces(s);
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = b + s.size();
  if (ParseSimpleDecimal(b, e, v, integral)) {
    if (*integral && std::fabs(*v) > kMaxExactInt) *integral = false;
    return true;
  }
  if (*b == '+') {
    ++b;
    if (b == e || *b == '-' || *b == '+') return false;
  }
  auto r = std::from_chars(b, e, *v);
  if (r.ec == std::errc::result_out_of_range) {
    // Overflow or underflow: strtod gives the saturated value pandas also reports.
    std::string tmp(b, e);
    *v = std::strtod(tmp.c_str(), nullptr);
    r.ptr = e;
    r.ec = std::errc();
  }
  if (r.ec != std::errc() || r.ptr != e) return false;
  const char* d = (*b == '-') ? b + 1 : b;
  bool digits = d != e;
  for (const char* p = d; p < e && digits; ++p) digits = (*p >= '0' && *p <= '9');
  *integral = digits && std::fabs(*v) <= kMaxExactInt;
  return true;
}

}  // namespace

bool IsMissingToken(std::string_view s) {
  switch (s.size()) {
    case 0: return true;
    case 2: return Eq(s, "NA");
    case 3: return Eq(s, "NaN") || Eq(s, "nan") || Eq(s, "N/A") || Eq(s, "n/a") || Eq(s, "#NA");
    case 4:
      return Eq(s, "null") || Eq(s, "NULL") || Eq(s, "None") || Eq(s, "<NA>") || Eq(s, "#N/A") ||
             Eq(s, "-NaN") || Eq(s, "-nan");
    case 6: return Eq(s, "1.#IND");
    case 7: return Eq(s, "-1.#IND") || Eq(s, "1.#QNAN");
    case 8: return Eq(s, "#N/A N/A") || Eq(s, "-1.#QNAN");
    default: return false;
  }
}

ColumnBuilder::ColumnBuilder(std::string name, bool force_string)
    : state_(force_string ? State::kString : State::kEmpty) {
  column_.name = std::move(name);
}

size_t ColumnBuilder::size() const {
  return state_ == State::kString ? column_.strings.size() : column_.numbers.size();
}

void ColumnBuilder::Reserve(size_t rows) {
  if (state_ == State::kString) {
    column_.strings.reserve(rows);
  } else {
    column_.numbers.reserve(rows);
  }
}

void ColumnBuilder::ToString() {
  auto& out = column_.strings;
  out.reserve(column_.numbers.capacity());
  for (double v : column_.numbers) {
    if (v != v) {
      out.emplace_back(std::nullopt);
      continue;
    }
    converted_with_values_ = true;
    if (state_ == State::kBool) {
      out.emplace_back(v != 0 ? "true" : "false");
    } else {
      out.emplace_back(FormatNumber(v));
    }
  }
  column_.numbers.clear();
  column_.numbers.shrink_to_fit();
  state_ = State::kString;
}

void ColumnBuilder::AddClassified(State kind, double v) {
  switch (state_) {
    case State::kEmpty:
      state_ = kind;
      break;
    case State::kInt:
      if (kind == State::kFloat) state_ = State::kFloat;
      else if (kind == State::kBool) ToString();
      break;
    case State::kFloat:
      if (kind == State::kBool) ToString();
      break;
    case State::kBool:
      if (kind != State::kBool) ToString();
      break;
    case State::kString:
      break;
  }
  if (state_ == State::kString) {
    if (kind == State::kBool) column_.strings.emplace_back(v != 0 ? "true" : "false");
    else column_.strings.emplace_back(FormatNumber(v));
    return;
  }
  column_.numbers.push_back(v);
}

void ColumnBuilder::AddText(std::string_view text) {
  if (state_ == State::kString) {
    if (IsMissingToken(text)) column_.strings.emplace_back(std::nullopt);
    else column_.strings.emplace_back(std::string(text));
    return;
  }
  double v;
  bool integral;
  if (ParseNumber(text, &v, &integral)) {
    if (v != v) {
      column_.numbers.push_back(kNaN);  // "nan", "-NaN": pandas' missing tokens
      if (!IsMissingToken(text)) nan_text_seen_ = true;
      return;
    }
    if (state_ == State::kFloat || state_ == State::kInt || state_ == State::kEmpty) {
      if (state_ == State::kInt && !integral) state_ = State::kFloat;
      else if (state_ == State::kEmpty) state_ = integral ? State::kInt : State::kFloat;
      column_.numbers.push_back(v);
      return;
    }
    // A bool column meets a number: keep the text as it is written.
    ToString();
    column_.strings.emplace_back(std::string(text));
    return;
  }
  if (IsMissingToken(text)) {
    column_.numbers.push_back(kNaN);
    return;
  }
  bool b;
  if (IsBoolToken(text, &b) && (state_ == State::kEmpty || state_ == State::kBool)) {
    state_ = State::kBool;
    column_.numbers.push_back(b ? 1.0 : 0.0);
    return;
  }
  ToString();
  column_.strings.emplace_back(std::string(text));
}

void ColumnBuilder::AddMissing() {
  if (state_ == State::kString) column_.strings.emplace_back(std::nullopt);
  else column_.numbers.push_back(kNaN);
}

void ColumnBuilder::AddBool(bool v) { AddClassified(State::kBool, v ? 1.0 : 0.0); }

void ColumnBuilder::AddNumber(double v, bool integral) {
  AddClassified(integral && std::fabs(v) <= kMaxExactInt ? State::kInt : State::kFloat, v);
}

void ColumnBuilder::AddString(std::string_view s) {
  if (state_ != State::kString) ToString();
  column_.strings.emplace_back(std::string(s));
}

Column ColumnBuilder::Finish() && {
  switch (state_) {
    case State::kEmpty:
    case State::kFloat: column_.type = ColumnType::kFloat; break;
    case State::kInt: column_.type = ColumnType::kInt; break;
    case State::kBool: column_.type = ColumnType::kBool; break;
    case State::kString: column_.type = ColumnType::kString; break;
  }
  return std::move(column_);
}

}  // namespace moebius::data::internal
