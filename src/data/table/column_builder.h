// ColumnBuilder: grows one column while a reader streams rows, inferring its type as it goes.
// Internal to the table readers.
//
// Type inference: a column starts untyped; its first non-missing value makes it bool, int or
// float; int widens to float; any other mix (text after numbers, numbers after bools) makes it a
// string column, whose earlier values are rendered back from their numbers ("1.50" becomes
// "1.5"). The CSV reader re-reads such columns from the source when it can, so they keep their
// exact text; `converted_with_values()` tells it when that is needed.
//
// Missing-value tokens are pandas' defaults: "", NA, NaN, nan, null, NULL, None, N/A, n/a, <NA>,
// #N/A, #NA, -NaN, -nan and the old Excel spellings; bool tokens are true/false, True/False,
// TRUE/FALSE. Numbers may carry surrounding spaces and a leading '+'; "inf" and "-inf" are
// numbers.
//
// Thread safety: none; one builder per column per reader.
#pragma once

#include <cstdint>
#include <string_view>

#include "data/table/table.h"

namespace moebius::data::internal {

bool IsMissingToken(std::string_view s);

class ColumnBuilder {
 public:
  ColumnBuilder(std::string name, bool force_string);

  // Appends one field given as text (CSV, TSV).
  void AddText(std::string_view text);
  // Appends typed values (JSONL). AddString keeps the text literally, even "NA" or "12".
  void AddMissing();
  void AddBool(bool v);
  void AddNumber(double v, bool integral);
  void AddString(std::string_view s);

  // True while the column is untyped, int or float: a number appended with AddParsed keeps it
  // numeric.
  bool AcceptsNumbers() const { return state_ == State::kEmpty || state_ == State::kInt || state_ == State::kFloat; }
  // Appends a value the reader parsed itself: a number, or NaN for a missing value (an empty
  // field). Only while AcceptsNumbers(); the same as AddText of the field's text. Inline: the
  // reader calls it once per field.
  void AddParsed(double v, bool integral) {
    if (v == v) {
      if (state_ == State::kEmpty) state_ = integral ? State::kInt : State::kFloat;
      else if (!integral) state_ = State::kFloat;
    }
    column_.numbers.push_back(v);
  }

  // The inferred type so far. kEmpty: only missing values yet.
  enum class State { kEmpty, kBool, kInt, kFloat, kString };
  State state() const { return state_; }
  // True when, before the column became a string column, a field was taken as missing because
  // it reads as a NaN number although it is no missing token ("NAN", " nan "): a column that
  // was a string column from the start would keep that text. The parallel reader uses this to
  // tell whether a range read on its own equals the same rows read after earlier text.
  bool nan_text_seen() const { return nan_text_seen_; }

  void Reserve(size_t rows);
  size_t size() const;
  // True once the column turned into a string column after holding non-missing numbers.
  bool converted_with_values() const { return converted_with_values_; }
  const std::string& name() const { return column_.name; }
  // The finished column; an all-missing column is typed float.
  Column Finish() &&;

 private:
  void ToString();
  void AddClassified(State kind, double v);

  Column column_;
  State state_;
  bool converted_with_values_ = false;
  bool nan_text_seen_ = false;
};

}  // namespace moebius::data::internal
