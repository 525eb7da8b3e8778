// Streaming readers for CSV, TSV and JSONL into a Table.
//
// CSV follows RFC 4180: a header row names the columns; fields may be quoted, a quoted field may
// hold the delimiter, newlines and doubled quotes (""); records end in LF or CRLF; a UTF-8 byte
// order mark is skipped; blank lines are skipped. TSV is the same with a tab delimiter. JSONL
// holds one JSON object per line; its columns are the keys in order of first appearance, a key
// absent from a row is a missing value, nested objects and arrays are kept as their JSON text.
// Types are inferred per column (see column_builder.h).
//
// A stream is read in 1 MiB blocks, so memory holds the growing table plus one block and one
// record, never the whole file (see ReadTableFile for the parallel exception). Limits are checked as bytes arrive: a header line longer than
// `max_record_bytes` fails after reading about two blocks.
//
// Errors: every failure of the input is kInvalidArgument and its message starts with
// `options.name` and names the 1-based line, and the column where one is at fault:
//   "train.csv: line 17 has 5 fields; the header has 4"
//   "train.csv: line 3: unterminated quoted field (opened in column 'text')"
//   "train.csv: line 1 is longer than 1048576 bytes"
//   "train.csv: line 9, column 'city': invalid UTF-8 or NUL byte"
//   "train.csv: the file is empty (no header line)"
//   "rows.jsonl: line 4 is not a JSON object"
// A failing std::istream (bad bit) is kInternal. ReadTableFile gives kNotFound for a file that
// cannot be opened.
//
// Thread safety: the functions are reentrant; each call reads its own input and uses up to
// options.threads threads of its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "data/table/table.h"

namespace moebius::data {

enum class TableFormat { kCsv, kTsv, kJsonl };

// From the file name's extension: .csv, .tsv/.tab, .jsonl/.ndjson (case-insensitive).
std::optional<TableFormat> FormatFromPath(std::string_view path);
// "csv", "tsv", "jsonl"; nullopt for any other text.
std::optional<TableFormat> ParseTableFormat(std::string_view name);

struct ReadLimits {
  size_t max_record_bytes = 1 << 20;  // one record; several lines when quotes hold newlines
  size_t max_field_bytes = 1 << 20;
  size_t max_columns = 10000;
  uint64_t max_rows = 0;  // 0: no limit
};

struct ReadOptions {
  TableFormat format = TableFormat::kCsv;
  std::string name = "input";  // the file name errors start with
  ReadLimits limits;
  // Threads for CSV and TSV read from a buffer or a regular file of at least 4 MiB: the input
  // is cut into that many byte ranges at record boundaries, parsed concurrently and joined;
  // the table and every error are the same as with one thread. 0: the hardware's threads, at
  // most 8; 1: one thread. JSONL and other streams always use one.
  int threads = 0;
};

// Reads from the stream's current position to its end. When a column turns out to be a string
// column after numbers were read and the stream can seek, the reader reads the stream a second
// time so that those values keep their exact text; otherwise they are rendered from their
// numbers.
Result<Table> ReadTable(std::istream& in, const ReadOptions& options);
// Reads a buffer in place, without copying it.
Result<Table> ReadTableFromBuffer(std::string_view data, const ReadOptions& options);
// Opens and streams a file; options.name is used as given (set it to the path for messages).
// With more than one thread (options.threads) and a CSV/TSV file of at least 4 MiB, the file is
// first read whole into memory (on as many threads), so memory holds the file and the table.
Result<Table> ReadTableFile(const std::string& path, const ReadOptions& options);

}  // namespace moebius::data
