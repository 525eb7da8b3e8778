#include "data/table/delimited_pass.h"

#include <algorithm>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/strings.h"
#include "data/table/simple_decimal.h"

namespace moebius::data::internal {
namespace {

constexpr size_t kBlock = 1 << 20;
constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

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

}  // namespace

bool IsTextOk(const char* p, const char* e) {

  return IsPlainAscii(p, e) || IsValidUtf8(std::string_view(p, static_cast<size_t>(e - p)));
}

namespace {

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

}  // namespace

Status Input::Fill() {
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

DelimitedPass::DelimitedPass(const ReadOptions& options, const std::vector<bool>& force_string,
                             size_t total_bytes)
    : o_(options),
      delim_(options.format == TableFormat::kTsv ? '\t' : ','),
      force_(force_string),
      total_bytes_(total_bytes),
      fast_record_limit_(std::min(options.limits.max_record_bytes, options.limits.max_field_bytes)) {}

DelimitedPass::DelimitedPass(const DelimitedPass& header, const std::vector<bool>& force_string,
                             size_t total_bytes, uint64_t line, uint64_t rows)
    : DelimitedPass(header.o_, force_string, total_bytes) {
  line_ = line;
  rows_ = rows;
  rows_at_start_ = rows;
  have_header_ = true;
  header_ = header.header_;
  MakeBuilders();
  RefreshNumericOnly();
}

Status DelimitedPass::SkipBom(Input& in) {
  RETURN_IF_ERROR(in.Fill());
  while (!in.eof() && in.end() - in.begin() < 3) RETURN_IF_ERROR(in.Fill());
  if (in.end() - in.begin() >= 3 && std::memcmp(in.begin(), "\xEF\xBB\xBF", 3) == 0) {
    in.Consume(in.begin() + 3);
  }
  return Status::Ok();
}

Result<Table> DelimitedPass::Run(Input& in) {
  RETURN_IF_ERROR(SkipBom(in));
  RETURN_IF_ERROR(Records(in, nullptr, false));
  if (!have_header_) return InvalidArgument(ErrorPrefix(o_) + "the file is empty (no header line)");
  Table table;
  for (auto& b : builders_) {
    if (b.converted_with_values()) converted_.push_back(b.name());
    RETURN_IF_ERROR(table.AddColumn(std::move(b).Finish()));
  }
  return table;
}

Result<const char*> DelimitedPass::ReadHeader(std::string_view data) {
  Input in(data);
  RETURN_IF_ERROR(SkipBom(in));
  RETURN_IF_ERROR(Records(in, nullptr, true));
  if (!have_header_) return InvalidArgument(ErrorPrefix(o_) + "the file is empty (no header line)");
  return in.begin();
}

Status DelimitedPass::ReadRange(std::string_view data, const char* begin, const char* limit) {
  const char* end = data.data() + data.size();
  Input in(std::string_view(begin, static_cast<size_t>(end - begin)));
  stop_ = begin;
  Status s = Records(in, limit, false);
  stop_ = in.begin();
  return s;
}

Status DelimitedPass::Records(Input& in, const char* limit, bool header_only) {
  for (;;) {
    const char* start = in.begin();
    if ((limit != nullptr && start >= limit) || (header_only && have_header_)) return Status::Ok();
    if (const char* next = TryNumericRecord(start, in.end())) {
      ++line_;
      in.Consume(next);
      continue;
    }
    bool complete = false;
    ASSIGN_OR_RETURN(const char* next, ParseRecord(start, in.end(), in.eof(), &complete));
    if (!complete) {
      if (static_cast<size_t>(in.end() - start) > o_.limits.max_record_bytes) return TooLong();
      if (in.eof()) return Status::Ok();  // nothing left
      RETURN_IF_ERROR(in.Fill());
      continue;
    }
    if (static_cast<size_t>(next - start) > o_.limits.max_record_bytes) return TooLong();
    RETURN_IF_ERROR(OnRecord(start, next));
    RefreshNumericOnly();
    line_ += newlines_;
    in.Consume(next);
  }
}

std::vector<bool> DelimitedPass::ConvertedMask() const {
  std::vector<bool> mask(header_.size(), false);
  for (size_t i = 0; i < header_.size(); ++i) {
    mask[i] = std::find(converted_.begin(), converted_.end(), header_[i]) != converted_.end();
  }
  return mask;
}

Status DelimitedPass::TooLong() const {
  return InvalidArgument(ErrorPrefix(o_) + "line " + std::to_string(line_) + " is longer than " +
                         std::to_string(o_.limits.max_record_bytes) + " bytes");
}

std::string DelimitedPass::ColumnLabel(size_t i) const {
  if (i < header_.size()) return "column '" + header_[i] + "'";
  return "field " + std::to_string(i + 1);
}

Status DelimitedPass::ErrorAt(size_t field, const std::string& what) const {
  return InvalidArgument(ErrorPrefix(o_) + "line " + std::to_string(line_) + ", " + ColumnLabel(field) + ": " +
                         what);
}

std::string DelimitedPass::Unescape(const Field& f) {
  scratch_.clear();
  for (size_t i = 0; i < f.n; ++i) {
    scratch_.push_back(f.p[i]);
    if (f.p[i] == '"') ++i;
  }
  return scratch_;
}

Status DelimitedPass::PushField(const Field& f) {
  if (static_cast<size_t>(f.p + f.n - record_) > o_.limits.max_record_bytes) return TooLong();
  if (f.n > o_.limits.max_field_bytes) {
    return ErrorAt(fields_.size(), "a field is longer than " + std::to_string(o_.limits.max_field_bytes) +
                                        " bytes");
  }
  if (fields_.size() >= o_.limits.max_columns) {
    return InvalidArgument(ErrorPrefix(o_) + "line " + std::to_string(line_) + " has more than " +
                           std::to_string(o_.limits.max_columns) + " fields");
  }
  fields_.push_back(f);
  return Status::Ok();
}

Result<const char*> DelimitedPass::ParseRecord(const char* p, const char* end, bool eof, bool* complete) {
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
          return InvalidArgument(ErrorPrefix(o_) + "line " + std::to_string(line_) +
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

Status DelimitedPass::OnRecord(const char* start, const char* next) {
  if (fields_.size() == 1 && fields_[0].n == 0 && !fields_[0].quoted) return Status::Ok();  // blank
  if (!IsTextOk(start, next)) {
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (!IsTextOk(fields_[i].p, fields_[i].p + fields_[i].n)) return ErrorAt(i, "invalid UTF-8 or NUL byte");
    }
    return InvalidArgument(ErrorPrefix(o_) + "line " + std::to_string(line_) + ": invalid UTF-8 or NUL byte");
  }
  if (!have_header_) return OnHeader();
  if (fields_.size() != header_.size()) {
    return InvalidArgument(ErrorPrefix(o_) + "line " + std::to_string(line_) + " has " +
                           std::to_string(fields_.size()) + " fields; the header has " +
                           std::to_string(header_.size()));
  }
  if (o_.limits.max_rows != 0 && rows_ >= o_.limits.max_rows) {
    return InvalidArgument(ErrorPrefix(o_) + "line " + std::to_string(line_) + ": more than " +
                           std::to_string(o_.limits.max_rows) + " rows");
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    const Field& f = fields_[i];
    if (f.escaped) {
      builders_[i].AddText(Unescape(f));
    } else {
      builders_[i].AddText(std::string_view(f.p, f.n));
    }
  }
  CountRow(start, next);
  return Status::Ok();
}

// Bookkeeping after a row is appended: the count and, after the pass's first 1024 rows, one
// reserve.
void DelimitedPass::CountRow(const char* start, const char* next) {
  ++rows_;
  const uint64_t own = rows_ - rows_at_start_;
  if (own == 1024 && total_bytes_ > 0) {
    // Reserve for the whole input from the size of the first rows, so columns do not regrow.
    size_t per_row = std::max<size_t>(1, bytes_seen_ / own);
    size_t estimate = total_bytes_ / per_row + total_bytes_ / per_row / 16 + 16;
    for (auto& b : builders_) b.Reserve(estimate);
  }
  if (own <= 1024) bytes_seen_ += static_cast<size_t>(next - start);
}

void DelimitedPass::RefreshNumericOnly() {
  numeric_only_ = have_header_;
  for (const auto& b : builders_) numeric_only_ = numeric_only_ && b.AcceptsNumbers();
}

const char* DelimitedPass::TryNumericRecord(const char* p, const char* end) {
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

Status DelimitedPass::OnHeader() {
  have_header_ = true;
  for (size_t i = 0; i < fields_.size(); ++i) {
    const Field& f = fields_[i];
    std::string name = f.escaped ? Unescape(f) : std::string(f.p, f.n);
    if (name.empty()) name = "Unnamed: " + std::to_string(i);
    if (std::find(header_.begin(), header_.end(), name) != header_.end()) {
      return InvalidArgument(ErrorPrefix(o_) + "line " + std::to_string(line_) + ": column name '" + name +
                             "' appears twice in the header");
    }
    header_.push_back(name);
  }
  MakeBuilders();
  return Status::Ok();
}

void DelimitedPass::MakeBuilders() {
  builders_.reserve(header_.size());
  for (size_t i = 0; i < header_.size(); ++i) {
    builders_.emplace_back(header_[i], i < force_.size() && force_[i]);
  }
  values_.resize(header_.size());
  integral_.resize(header_.size());
}

}  // namespace moebius::data::internal
