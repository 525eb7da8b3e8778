#include "data/table/table_reader.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <unordered_map>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "data/table/column_builder.h"
#include "data/table/simple_decimal.h"

namespace moebius::data {
namespace {

using internal::ColumnBuilder;
using internal::ParseSimpleDecimalPrefix;

constexpr size_t kBlock = 1 << 20;
constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// A window of input bytes: the whole buffer, or a refillable block of a stream.
class Input {
 public:
  explicit Input(std::string_view data) : data_(data), eof_(true) {}
  explicit Input(std::istream* in) : in_(in) {}

  const char* begin() const { return data_.data() + pos_; }
  const char* end() const { return data_.data() + data_.size(); }
  bool eof() const { return eof_; }
  void Consume(const char* p) { pos_ = static_cast<size_t>(p - data_.data()); }

  // Appends at least one more byte to the window, or sets eof. Bytes not consumed are kept.
  Status Fill() {
    if (eof_) return Status::Ok();
    size_t left = data_.size() - pos_;
    if (pos_ > 0 && left > 0) std::memmove(buf_.data(), buf_.data() + pos_, left);
    pos_ = 0;
    if (buf_.size() < left + kBlock) buf_.resize(left + kBlock);
    in_->read(buf_.data() + left, static_cast<std::streamsize>(kBlock));
    size_t got = static_cast<size_t>(in_->gcount());
    if (in_->bad()) return Internal("reading the input stream failed");
    if (got == 0) eof_ = true;
    data_ = std::string_view(buf_.data(), left + got);
    return Status::Ok();
  }

 private:
  std::istream* in_ = nullptr;
  std::vector<char> buf_;
  std::string_view data_;
  size_t pos_ = 0;
  bool eof_ = false;
};

// True when [p, e) is ASCII without NUL bytes, checked 16 bytes at a time.
bool IsPlainAscii(const char* p, const char* e) {
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  while (p + 16 <= e) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    if (_mm_movemask_epi8(x) | _mm_movemask_epi8(_mm_cmpeq_epi8(x, zero))) return false;
    p += 16;
  }
#endif
  for (; p < e; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (c == 0 || c >= 0x80) return false;
  }
  return true;
}

bool IsTextOk(const char* p, const char* e) {
  return IsPlainAscii(p, e) || IsValidUtf8(std::string_view(p, static_cast<size_t>(e - p)));
}

// The first delimiter or LF in [p, e), or e.
const char* ScanUnquoted(const char* p, const char* e, char delim) {
#if defined(__SSE2__)
  const __m128i vd = _mm_set1_epi8(delim);
  const __m128i vn = _mm_set1_epi8('\n');
  while (p + 16 <= e) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    int m = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, vd), _mm_cmpeq_epi8(x, vn)));
    if (m != 0) return p + __builtin_ctz(static_cast<unsigned>(m));
    p += 16;
  }
#endif
  while (p < e && *p != delim && *p != '\n') ++p;
  return p;
}

// Bit i set when p[i] is the delimiter or LF, for the 64 bytes at p (fewer at the end of the
// input: bits past `end` stay clear). Quotes are not looked at: the numeric-record path only
// accepts fields without them. Finding the separators 64 bytes at a time leaves the fields'
// parses independent of each other, so the CPU overlaps them.
uint64_t SeparatorMask(const char* p, const char* end, char delim) {
#if defined(__SSE2__)
  if (end - p >= 64) {
    const __m128i vd = _mm_set1_epi8(delim);
    const __m128i vn = _mm_set1_epi8('\n');
    uint64_t mask = 0;
    for (int k = 0; k < 4; ++k) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(x, vd), _mm_cmpeq_epi8(x, vn));
      mask |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(hit))) << (16 * k);
    }
    return mask;
  }
#endif
  uint64_t mask = 0;
  const size_t n = std::min<size_t>(64, static_cast<size_t>(end - p));
  for (size_t i = 0; i < n; ++i) {
    if (p[i] == delim || p[i] == '\n') mask |= uint64_t{1} << i;
  }
  return mask;
}

struct Field {
  const char* p;
  size_t n;
  bool quoted;
  bool escaped;  // holds doubled quotes
};

std::string Prefix(const ReadOptions& o) { return o.name + ": "; }

std::string Unescape(const Field& f, std::string* scratch) {
  scratch->clear();
  for (size_t i = 0; i < f.n; ++i) {
    scratch->push_back(f.p[i]);
    if (f.p[i] == '"') ++i;
  }
  return *scratch;
}

// One pass of the CSV/TSV reader. `force_string[i]` makes header column i a string column.
class DelimitedPass {
 public:
  DelimitedPass(const ReadOptions& options, char delim, const std::vector<bool>& force_string,
                size_t total_bytes)
      : o_(options), delim_(delim), force_(force_string), total_bytes_(total_bytes) {}

  Result<Table> Run(Input& in) {
    RETURN_IF_ERROR(in.Fill());
    while (!in.eof() && in.end() - in.begin() < 3) RETURN_IF_ERROR(in.Fill());
    if (in.end() - in.begin() >= 3 && std::memcmp(in.begin(), "\xEF\xBB\xBF", 3) == 0) {
      in.Consume(in.begin() + 3);
    }
    for (;;) {
      const char* start = in.begin();
      if (const char* next = TryNumericRecord(start, in.end())) {
        ++line_;
        in.Consume(next);
        continue;
      }
      bool complete = false;
      ASSIGN_OR_RETURN(const char* next, ParseRecord(start, in.end(), in.eof(), &complete));
      if (!complete) {
        if (static_cast<size_t>(in.end() - start) > o_.limits.max_record_bytes) return TooLong();
        if (in.eof()) break;  // nothing left
        RETURN_IF_ERROR(in.Fill());
        continue;
      }
      if (static_cast<size_t>(next - start) > o_.limits.max_record_bytes) return TooLong();
      RETURN_IF_ERROR(OnRecord(start, next));
      RefreshNumericOnly();
      line_ += newlines_;
      in.Consume(next);
    }
    if (!have_header_) return InvalidArgument(Prefix(o_) + "the file is empty (no header line)");
    Table table;
    for (auto& b : builders_) {
      if (b.converted_with_values()) converted_.push_back(b.name());
      RETURN_IF_ERROR(table.AddColumn(std::move(b).Finish()));
    }
    return table;
  }

  // Header indices of columns that became strings after holding numbers.
  std::vector<bool> ConvertedMask() const {
    std::vector<bool> mask(header_.size(), false);
    for (size_t i = 0; i < header_.size(); ++i) {
      mask[i] = std::find(converted_.begin(), converted_.end(), header_[i]) != converted_.end();
    }
    return mask;
  }

 private:
  Status TooLong() const {
    return InvalidArgument(Prefix(o_) + "line " + std::to_string(line_) + " is longer than " +
                           std::to_string(o_.limits.max_record_bytes) + " bytes");
  }

  std::string ColumnLabel(size_t i) const {
    if (i < header_.size()) return "column '" + header_[i] + "'";
    return "field " + std::to_string(i + 1);
  }

  Status ErrorAt(size_t field, const std::string& what) const {
    return InvalidArgument(Prefix(o_) + "line " + std::to_string(line_) + ", " + ColumnLabel(field) +
                           ": " + what);
  }

  Status PushField(const Field& f) {
    if (static_cast<size_t>(f.p + f.n - record_) > o_.limits.max_record_bytes) return TooLong();
    if (f.n > o_.limits.max_field_bytes) {
      return ErrorAt(fields_.size(), "a field is longer than " + std::to_string(o_.limits.max_field_bytes) +
                                          " bytes");
    }
    if (fields_.size() >= o_.limits.max_columns) {
      return InvalidArgument(Prefix(o_) + "line " + std::to_string(line_) + " has more than " +
                             std::to_string(o_.limits.max_columns) + " fields");
    }
    fields_.push_back(f);
    return Status::Ok();
  }

  // Parses one record starting at p. Sets *complete and returns the position after it, or
  // leaves *complete false when more bytes are needed.
  Result<const char*> ParseRecord(const char* p, const char* end, bool eof, bool* complete) {
    fields_.clear();
    newlines_ = 0;
    record_ = p;
    *complete = false;
    if (p == end) return p;
    const char* q = p;
    for (;;) {
      if (q < end && *q == '"') {
        const char* s = q + 1;
        const char* r = s;
        bool escaped = false;
        const char* close = nullptr;
        while (close == nullptr) {
          const void* hit = std::memchr(r, '"', static_cast<size_t>(end - r));
          if (hit == nullptr) {
            if (!eof) return p;
            return InvalidArgument(Prefix(o_) + "line " + std::to_string(line_) +
                                   ": unterminated quoted field (opened in " + ColumnLabel(fields_.size()) + ")");
          }
          const char* h = static_cast<const char*>(hit);
          if (h + 1 == end && !eof) return p;
          if (h + 1 < end && h[1] == '"') {
            escaped = true;
            r = h + 2;
            continue;
          }
          close = h;
        }
        newlines_ += static_cast<size_t>(std::count(s, close, '\n'));
        RETURN_IF_ERROR(PushField({s, static_cast<size_t>(close - s), true, escaped}));
        q = close + 1;
        if (q == end) break;  // eof
        if (*q == delim_) {
          ++q;
          continue;
        }
        if (*q == '\n') {
          ++newlines_;
          ++q;
          break;
        }
        if (*q == '\r') {
          if (q + 1 == end) {
            if (!eof) return p;
            q = end;
            break;
          }
          if (q[1] == '\n') {
            ++newlines_;
            q += 2;
            break;
          }
        }
        return ErrorAt(fields_.size() - 1, "unexpected character after the closing quote");
      }
      const char* t = ScanUnquoted(q, end, delim_);
      if (t == end && !eof) return p;
      const char* fe = t;
      if ((t == end || *t == '\n') && fe > q && fe[-1] == '\r') --fe;
      RETURN_IF_ERROR(PushField({q, static_cast<size_t>(fe - q), false, false}));
      if (t == end) {
        q = end;
        break;
      }
      q = t + 1;
      if (*t == '\n') {
        ++newlines_;
        break;
      }
    }
    *complete = true;
    return q;
  }

  Status OnRecord(const char* start, const char* next) {
    if (fields_.size() == 1 && fields_[0].n == 0 && !fields_[0].quoted) return Status::Ok();  // blank
    if (!IsTextOk(start, next)) {
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (!IsTextOk(fields_[i].p, fields_[i].p + fields_[i].n)) return ErrorAt(i, "invalid UTF-8 or NUL byte");
      }
      return InvalidArgument(Prefix(o_) + "line " + std::to_string(line_) + ": invalid UTF-8 or NUL byte");
    }
    if (!have_header_) return OnHeader();
    if (fields_.size() != header_.size()) {
      return InvalidArgument(Prefix(o_) + "line " + std::to_string(line_) + " has " +
                             std::to_string(fields_.size()) + " fields; the header has " +
                             std::to_string(header_.size()));
    }
    if (o_.limits.max_rows != 0 && rows_ >= o_.limits.max_rows) {
      return InvalidArgument(Prefix(o_) + "line " + std::to_string(line_) + ": more than " +
                             std::to_string(o_.limits.max_rows) + " rows");
    }
    for (size_t i = 0; i < fields_.size(); ++i) {
      const Field& f = fields_[i];
      if (f.escaped) {
        builders_[i].AddText(Unescape(f, &scratch_));
      } else {
        builders_[i].AddText(std::string_view(f.p, f.n));
      }
    }
    CountRow(start, next);
    return Status::Ok();
  }

  // Bookkeeping after a row is appended: the count and, after the first 1024 rows, one reserve.
  void CountRow(const char* start, const char* next) {
    ++rows_;
    if (rows_ == 1024 && total_bytes_ > 0) {
      // Reserve for the whole input from the size of the first rows, so columns do not regrow.
      size_t per_row = std::max<size_t>(1, bytes_seen_ / rows_);
      size_t estimate = total_bytes_ / per_row + total_bytes_ / per_row / 16 + 16;
      for (auto& b : builders_) b.Reserve(estimate);
    }
    if (rows_ <= 1024) bytes_seen_ += static_cast<size_t>(next - start);
  }

  void RefreshNumericOnly() {
    numeric_only_ = have_header_;
    for (const auto& b : builders_) numeric_only_ = numeric_only_ && b.AcceptsNumbers();
  }

  // The common record, read in one pass without the general field scanner: complete (ends in
  // LF or CRLF inside [p, end)), exactly one field per header column, every field empty or a
  // simple decimal (simple_decimal.h), every column still numeric, no limit in reach. Appends
  // it and returns the position after it; returns nullptr, appending nothing, for any other
  // record, which ParseRecord and OnRecord then handle (including every error). Because it
  // accepts only ASCII digits, signs, points, exponents and delimiters, and the same decimal
  // parser as AddText, it appends exactly what the general path would.
  const char* TryNumericRecord(const char* p, const char* end) {
    if (!numeric_only_ || (o_.limits.max_rows != 0 && rows_ >= o_.limits.max_rows)) return nullptr;
    if (p == end || *p == '\n' || *p == '\r') return nullptr;  // blank lines are skipped, not rows
    const size_t n = builders_.size();
    const char* start = p;
    const char* block = p;
    uint64_t separators = SeparatorMask(block, end, delim_);
    for (size_t i = 0; i < n; ++i) {
      while (separators == 0) {
        block += 64;
        if (block >= end) return nullptr;  // incomplete: the general path asks for more input
        separators = SeparatorMask(block, end, delim_);
      }
      const char* sep = block + __builtin_ctzll(separators);
      separators &= separators - 1;
      const bool last = i + 1 == n;
      if ((*sep == '\n') != last) return nullptr;  // fewer or more fields than the header
      const char* e = last && sep > p && sep[-1] == '\r' ? sep - 1 : sep;  // CRLF
      if (p == e) {
        values_[i] = kMissing;  // an empty field
        integral_[i] = true;
      } else {
        // Parsing toward the buffer's end lets the digit reader load 8 bytes at a time; the
        // number must stop exactly at the field's end.
        bool integral;
        if (ParseSimpleDecimalPrefix(p, end, &values_[i], &integral) != e) return nullptr;
        integral_[i] = integral;
      }
      p = sep + 1;
    }
    if (static_cast<size_t>(p - start) > fast_record_limit_) return nullptr;
    for (size_t i = 0; i < n; ++i) builders_[i].AddParsed(values_[i], integral_[i]);
    CountRow(start, p);
    return p;
  }

  Status OnHeader() {
    have_header_ = true;
    for (size_t i = 0; i < fields_.size(); ++i) {
      const Field& f = fields_[i];
      std::string name = f.escaped ? Unescape(f, &scratch_) : std::string(f.p, f.n);
      if (name.empty()) name = "Unnamed: " + std::to_string(i);
      if (std::find(header_.begin(), header_.end(), name) != header_.end()) {
        return InvalidArgument(Prefix(o_) + "line " + std::to_string(line_) + ": column name '" + name +
                               "' appears twice in the header");
      }
      header_.push_back(name);
    }
    for (size_t i = 0; i < header_.size(); ++i) {
      builders_.emplace_back(header_[i], i < force_.size() && force_[i]);
    }
    values_.resize(header_.size());
    integral_.resize(header_.size());
    return Status::Ok();
  }

  const ReadOptions& o_;
  char delim_;
  const std::vector<bool>& force_;
  size_t total_bytes_;
  std::vector<Field> fields_;
  const char* record_ = nullptr;  // start of the record being parsed
  size_t newlines_ = 0;
  uint64_t line_ = 1;
  uint64_t rows_ = 0;
  size_t bytes_seen_ = 0;
  bool have_header_ = false;
  std::vector<std::string> header_;
  std::vector<ColumnBuilder> builders_;
  std::vector<std::string> converted_;
  std::string scratch_;
  // TryNumericRecord: whether every column still takes numbers, the record size under which no
  // record or field limit can trip, and one record's parsed values.
  bool numeric_only_ = false;
  const size_t fast_record_limit_ = std::min(o_.limits.max_record_bytes, o_.limits.max_field_bytes);
  std::vector<double> values_;
  std::vector<char> integral_;
};

struct DepthGuard {
  int max_depth;
  bool exceeded = false;
};

class JsonlPass {
 public:
  explicit JsonlPass(const ReadOptions& options) : o_(options) {}

  Result<Table> Run(Input& in) {
    RETURN_IF_ERROR(in.Fill());
    bool first = true;
    for (;;) {
      const char* start = in.begin();
      const void* nl = std::memchr(start, '\n', static_cast<size_t>(in.end() - start));
      if (nl == nullptr && !in.eof()) {
        if (static_cast<size_t>(in.end() - start) > o_.limits.max_record_bytes) return TooLong();
        RETURN_IF_ERROR(in.Fill());
        continue;
      }
      if (nl == nullptr && start == in.end()) break;
      const char* stop = nl ? static_cast<const char*>(nl) : in.end();
      if (static_cast<size_t>(stop - start) > o_.limits.max_record_bytes) return TooLong();
      std::string_view line(start, static_cast<size_t>(stop - start));
      if (first && StartsWith(line, "\xEF\xBB\xBF")) line.remove_prefix(3);
      first = false;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      RETURN_IF_ERROR(OnLine(line));
      ++line_;
      in.Consume(nl ? stop + 1 : stop);
      if (!nl) break;
    }
    if (builders_.empty() && rows_ == 0) return InvalidArgument(Prefix(o_) + "the file is empty (no JSON objects)");
    Table table;
    for (auto& b : builders_) RETURN_IF_ERROR(table.AddColumn(std::move(b).Finish()));
    return table;
  }

 private:
  Status TooLong() const {
    return InvalidArgument(Prefix(o_) + "line " + std::to_string(line_) + " is longer than " +
                           std::to_string(o_.limits.max_record_bytes) + " bytes");
  }
  Status Error(const std::string& what) const {
    return InvalidArgument(Prefix(o_) + "line " + std::to_string(line_) + what);
  }

  Status OnLine(std::string_view line) {
    if (Trim(line).empty()) return Status::Ok();
    if (!IsTextOk(line.data(), line.data() + line.size())) return Error(": invalid UTF-8 or NUL byte");
    nlohmann::ordered_json obj;
    DepthGuard guard{32};
    try {
      obj = nlohmann::ordered_json::parse(
          line.begin(), line.end(),
          [&guard](int depth, nlohmann::ordered_json::parse_event_t, nlohmann::ordered_json&) {
            if (depth > guard.max_depth) guard.exceeded = true;
            return true;
          });
    } catch (const nlohmann::ordered_json::exception& e) {
      return Error(": malformed JSON: " + std::string(e.what()));
    }
    if (guard.exceeded) return Error(": JSON nested deeper than 32 levels");
    if (!obj.is_object()) return Error(" is not a JSON object");
    if (o_.limits.max_rows != 0 && rows_ >= o_.limits.max_rows) {
      return Error(": more than " + std::to_string(o_.limits.max_rows) + " rows");
    }
    for (auto& [key, value] : obj.items()) {
      auto it = index_.find(key);
      size_t col;
      if (it == index_.end()) {
        if (builders_.size() >= o_.limits.max_columns) {
          return Error(": more than " + std::to_string(o_.limits.max_columns) + " columns");
        }
        if (key.empty()) return Error(": an empty key");
        col = builders_.size();
        index_.emplace(key, col);
        builders_.emplace_back(key, false);
        for (uint64_t r = 0; r < rows_; ++r) builders_.back().AddMissing();
      } else {
        col = it->second;
      }
      ColumnBuilder& b = builders_[col];
      if (b.size() > rows_) continue;  // a repeated key: the first one wins
      if (value.is_null()) b.AddMissing();
      else if (value.is_boolean()) b.AddBool(value.get<bool>());
      else if (value.is_number_integer()) b.AddNumber(value.get<double>(), true);
      else if (value.is_number()) b.AddNumber(value.get<double>(), false);
      else if (value.is_string()) b.AddString(value.get_ref<const std::string&>());
      else b.AddString(value.dump());
    }
    ++rows_;
    for (auto& b : builders_) {
      if (b.size() < rows_) b.AddMissing();
    }
    return Status::Ok();
  }

  const ReadOptions& o_;
  uint64_t line_ = 1;
  uint64_t rows_ = 0;
  std::unordered_map<std::string, size_t> index_;
  std::vector<ColumnBuilder> builders_;
};

// Runs a delimited pass; when columns turned to strings after numbers and `rewind` can bring
// the input back, runs a second pass with those columns read as strings from the start.
template <typename MakeInput, typename Rewind>
Result<Table> ReadDelimited(const ReadOptions& options, size_t total_bytes, MakeInput make_input,
                            Rewind rewind) {
  char delim = options.format == TableFormat::kTsv ? '\t' : ',';
  std::vector<bool> none;
  Input first = make_input();
  DelimitedPass pass(options, delim, none, total_bytes);
  ASSIGN_OR_RETURN(Table table, pass.Run(first));
  std::vector<bool> mask = pass.ConvertedMask();
  if (std::find(mask.begin(), mask.end(), true) == mask.end() || !rewind()) return table;
  Input second = make_input();
  DelimitedPass again(options, delim, mask, total_bytes);
  return again.Run(second);
}

}  // namespace

std::optional<TableFormat> ParseTableFormat(std::string_view name) {
  if (name == "csv") return TableFormat::kCsv;
  if (name == "tsv") return TableFormat::kTsv;
  if (name == "jsonl") return TableFormat::kJsonl;
  return std::nullopt;
}

std::optional<TableFormat> FormatFromPath(std::string_view path) {
  std::string lower = ToLower(path);
  if (EndsWith(lower, ".csv")) return TableFormat::kCsv;
  if (EndsWith(lower, ".tsv") || EndsWith(lower, ".tab")) return TableFormat::kTsv;
  if (EndsWith(lower, ".jsonl") || EndsWith(lower, ".ndjson")) return TableFormat::kJsonl;
  return std::nullopt;
}

Result<Table> ReadTableFromBuffer(std::string_view data, const ReadOptions& options) {
  if (options.format == TableFormat::kJsonl) {
    Input in(data);
    return JsonlPass(options).Run(in);
  }
  return ReadDelimited(options, data.size(), [&] { return Input(data); }, [] { return true; });
}

namespace {

Result<Table> ReadStream(std::istream& in, const ReadOptions& options, size_t total_bytes) {
  if (options.format == TableFormat::kJsonl) {
    Input input(&in);
    return JsonlPass(options).Run(input);
  }
  std::streampos start = in.tellg();
  return ReadDelimited(
      options, total_bytes, [&] { return Input(&in); },
      [&] {
        if (start == std::streampos(-1)) return false;
        in.clear();
        in.seekg(start);
        return static_cast<bool>(in);
      });
}

}  // namespace

Result<Table> ReadTable(std::istream& in, const ReadOptions& options) { return ReadStream(in, options, 0); }

Result<Table> ReadTableFile(const std::string& path, const ReadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(options.name + ": cannot open the file");
  in.seekg(0, std::ios::end);
  std::streampos size = in.tellg();
  in.seekg(0, std::ios::beg);
  return ReadStream(in, options, size > 0 ? static_cast<size_t>(size) : 0);
}

}  // namespace moebius::data
