// DelimitedPass: one pass of the CSV/TSV reader over its input, and the input window it reads
// from. Internal to the table readers (table_reader.cc, parallel_reader.cc).
//
// A pass turns records into per-column ColumnBuilders. It can read a whole input (Run), or, for
// the parallel reader, only the header of a buffer (ReadHeader) and then, in a pass made from
// the header pass, the records of one byte range of that buffer (ReadRange). A range pass is
// given the global line number and row count its first record has, so its messages and limits
// are those of one sequential pass; the parallel reader re-reads a range with exact numbers
// before it reports the range's error.
//
// Errors: as documented in table_reader.h; every message starts with ReadOptions::name.
//
// Thread safety: none; one pass per thread. Passes over one buffer may run concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "data/table/column_builder.h"
#include "data/table/table.h"
#include "data/table/table_reader.h"

namespace moebius::data::internal {

// True when [p, e) is valid UTF-8 without NUL bytes (plain ASCII is checked 16 bytes at a time).
bool IsTextOk(const char* p, const char* e);

// "<name>: ", the start of every message.
inline std::string ErrorPrefix(const ReadOptions& o) { return o.name + ": "; }

// A window of input bytes: the whole buffer, or a refillable 1 MiB block of a stream.
class Input {
 public:
  explicit Input(std::string_view data) : data_(data), eof_(true) {}
  explicit Input(std::istream* in) : in_(in) {}

  const char* begin() const { return data_.data() + pos_; }
  const char* end() const { return data_.data() + data_.size(); }
  bool eof() const { return eof_; }
  void Consume(const char* p) { pos_ = static_cast<size_t>(p - data_.data()); }

  // Appends at least one more byte to the window, or sets eof. Bytes not consumed are kept.
  // kInternal when the stream fails.
  Status Fill();

 private:
  std::istream* in_ = nullptr;
  std::vector<char> buf_;
  std::string_view data_;
  size_t pos_ = 0;
  bool eof_ = false;
};

class DelimitedPass {
 public:
  // `force_string[i]` makes header column i a string column (shorter masks leave the rest
  // inferred). `total_bytes` is the input's expected size, for reserving column memory once
  // (0: unknown).
  DelimitedPass(const ReadOptions& options, const std::vector<bool>& force_string, size_t total_bytes);
  // A pass that continues after `header` (which has read a header): same columns, fresh
  // builders; its first record is on `line` and `rows` data rows come before it.
  DelimitedPass(const DelimitedPass& header, const std::vector<bool>& force_string, size_t total_bytes,
                uint64_t line, uint64_t rows);

  // Reads the whole input: byte order mark, header, records. kInvalidArgument for bad input.
  Result<Table> Run(Input& in);

  // Reads the byte order mark, blank lines and the header record of `data`; returns the
  // position after the header. Errors as Run (an input without a header is one).
  Result<const char*> ReadHeader(std::string_view data);

  // Reads the records of `data` (a buffer; `begin` a record boundary in it) that start before
  // `limit`; the last one may run past `limit`. Afterwards stop() is the position after the
  // last record read, or `begin` when none starts before `limit`.
  Status ReadRange(std::string_view data, const char* begin, const char* limit);

  const char* stop() const { return stop_; }
  uint64_t line() const { return line_; }  // the line the next record starts on
  uint64_t rows() const { return rows_; }  // data rows read, counting those before the pass
  size_t num_columns() const { return header_.size(); }
  // The builders, one per header column, in order; the pass is spent afterwards.
  std::vector<ColumnBuilder> TakeBuilders() && { return std::move(builders_); }
  // Header indices of columns that became strings after holding numbers (valid after Run).
  std::vector<bool> ConvertedMask() const;

 private:
  struct Field {
    const char* p;
    size_t n;
    bool quoted;
    bool escaped;  // holds doubled quotes
  };

  Status SkipBom(Input& in);
  // Reads records until the input ends, a record would start at or after `limit` (nullptr:
  // none), or, with `header_only`, the header has been read.
  Status Records(Input& in, const char* limit, bool header_only);
  Status TooLong() const;
  std::string ColumnLabel(size_t i) const;
  Status ErrorAt(size_t field, const std::string& what) const;
  Status PushField(const Field& f);
  Result<const char*> ParseRecord(const char* p, const char* end, bool eof, bool* complete);
  Status OnRecord(const char* start, const char* next);
  void CountRow(const char* start, const char* next);
  void RefreshNumericOnly();
  const char* TryNumericRecord(const char* p, const char* end);
  Status OnHeader();
  void MakeBuilders();
  std::string Unescape(const Field& f);

  const ReadOptions& o_;
  char delim_;
  std::vector<bool> force_;
  size_t total_bytes_;
  std::vector<Field> fields_;
  const char* record_ = nullptr;  // start of the record being parsed
  const char* stop_ = nullptr;
  size_t newlines_ = 0;
  uint64_t line_ = 1;
  uint64_t rows_ = 0;
  uint64_t rows_at_start_ = 0;  // rows before this pass (a range pass)
  size_t bytes_seen_ = 0;
  bool have_header_ = false;
  std::vector<std::string> header_;
  std::vector<ColumnBuilder> builders_;
  std::vector<std::string> converted_;
  std::string scratch_;
  // TryNumericRecord: whether every column still takes numbers, the record size under which no
  // record or field limit can trip, and one record's parsed values.
  bool numeric_only_ = false;
  size_t fast_record_limit_;
  std::vector<double> values_;
  std::vector<char> integral_;
};

}  // namespace moebius::data::internal
