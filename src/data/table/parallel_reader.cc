#include "data/table/parallel_reader.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "data/table/column_builder.h"
#include "data/table/delimited_pass.h"

namespace moebius::data::internal {
namespace {

using State = ColumnBuilder::State;

// Runs fn(k) for k in [0, n), each on its own thread (the caller's for k = 0).
template <typename Fn>
void ForEachOnThreads(size_t n, Fn fn) {
  std::vector<std::thread> pool;
  for (size_t k = 1; k < n; ++k) pool.emplace_back([&fn, k] { fn(k); });
  if (n > 0) fn(0);
  for (auto& th : pool) th.join();
}

// The number of '"' bytes in [p, e).
size_t CountQuotes(const char* p, const char* e) {
  size_t n = 0;
#if defined(__SSE2__)
  const __m128i vq = _mm_set1_epi8('"');
  while (e - p >= 16) {
    // Byte counters of up to 255 steps, then summed with SAD.
    __m128i acc = _mm_setzero_si128();
    const char* stop = p + std::min<ptrdiff_t>((e - p) / 16, 255) * 16;
    for (; p < stop; p += 16) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, vq));
    }
    __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
    n += static_cast<size_t>(_mm_cvtsi128_si32(sums)) + static_cast<size_t>(_mm_extract_epi16(sums, 4));
  }
#endif
  for (; p < e; ++p) n += *p == '"';
  return n;
}

// A guessed record start at or after p: the byte after the first LF outside quotes, with quotes
// toggling and p inside quotes when `in_quotes`; `e` when there is none before it.
const char* GuessRecordStart(const char* p, const char* e, bool in_quotes) {
  for (; p < e; ++p) {
    if (*p == '"') in_quotes = !in_quotes;
    else if (*p == '\n' && !in_quotes) return p + 1;
  }
  return e;
}

struct Range {
  const char* begin = nullptr;  // where its parse started
  Status status;
  const char* stop = nullptr;   // after its last record
  uint64_t lines = 0;           // line breaks it read
  uint64_t rows = 0;            // data rows it read
  std::vector<ColumnBuilder> builders;
};

// Parses the records of `data` that start in [begin, limit) after `header`'s header.
Range ParseRange(const DelimitedPass& header, std::string_view data, const char* begin, const char* limit,
                 uint64_t line, uint64_t rows, size_t reserve_bytes, const std::vector<bool>& force) {
  DelimitedPass pass(header, force, reserve_bytes, line, rows);
  Range r;
  r.begin = begin;
  r.status = pass.ReadRange(data, begin, limit);
  r.stop = pass.stop();
  r.lines = pass.line() - line;
  r.rows = pass.rows() - rows;
  r.builders = std::move(pass).TakeBuilders();
  return r;
}

// The state a sequential builder reaches after both values' kinds: the set of kinds decides it,
// not their order (column_builder.h).
State Combine(State a, State b) {
  if (a == State::kEmpty || a == b) return b;
  if (b == State::kEmpty) return a;
  if (a == State::kString || b == State::kString || a == State::kBool || b == State::kBool) return State::kString;
  return State::kFloat;  // int and float
}

ColumnType TypeOf(State s) {
  switch (s) {
    case State::kBool: return ColumnType::kBool;
    case State::kInt: return ColumnType::kInt;
    case State::kString: return ColumnType::kString;
    case State::kEmpty:
    case State::kFloat: break;
  }
  return ColumnType::kFloat;
}

// Column c of the ranges, appended in order, as the sequential reader would type it.
Column Concatenate(std::vector<Range>& ranges, size_t c, State state) {
  std::vector<Column> parts;
  parts.reserve(ranges.size());
  for (auto& r : ranges) parts.push_back(std::move(r.builders[c]).Finish());
  Column out = std::move(parts[0]);
  const ColumnType type = TypeOf(state);
  size_t total = 0;
  for (const auto& p : parts) total += p.size();
  if (type != ColumnType::kString) {
    out.numbers.reserve(total);  // the first range reserved for the whole input
    for (size_t k = 1; k < parts.size(); ++k) {
      out.numbers.insert(out.numbers.end(), parts[k].numbers.begin(), parts[k].numbers.end());
      std::vector<double>().swap(parts[k].numbers);
    }
  } else {
    // A range not typed string holds missing values only (ParseRange forced the others).
    if (out.type != ColumnType::kString) {
      out.strings.assign(out.numbers.size(), std::nullopt);
      std::vector<double>().swap(out.numbers);
    }
    out.strings.reserve(total);
    for (size_t k = 1; k < parts.size(); ++k) {
      if (parts[k].type == ColumnType::kString) {
        std::move(parts[k].strings.begin(), parts[k].strings.end(), std::back_inserter(out.strings));
      } else {
        out.strings.insert(out.strings.end(), parts[k].numbers.size(), std::nullopt);
      }
    }
  }
  out.type = type;
  return out;
}

}  // namespace

int ReadThreads(const ReadOptions& options) {
  if (options.threads > 0) return options.threads;
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
}

Result<Table> ReadDelimitedParallel(std::string_view data, const ReadOptions& options, int threads) {
  const std::vector<bool> none;
  DelimitedPass header(options, none, 0);
  ASSIGN_OR_RETURN(const char* body, header.ReadHeader(data));
  const char* end = data.data() + data.size();
  const size_t t = static_cast<size_t>(std::max(1, threads));
  const size_t body_bytes = static_cast<size_t>(end - body);

  // Guessed boundaries: equal pieces, each moved to the next LF outside quotes by the quote
  // parity of everything before it.
  std::vector<const char*> piece(t + 1);
  for (size_t k = 0; k <= t; ++k) piece[k] = body + body_bytes * k / t;
  // A record is at most max_record_bytes long, so when that many bytes before a split hold no
  // quote, the split is outside quotes in every input that reads without error. When that is so
  // at every split (most numeric files), the full count of quotes is skipped.
  const size_t window = options.limits.max_record_bytes;
  bool quotes_near = window > kParallelMinBytes;
  for (size_t k = 1; k < t && !quotes_near; ++k) {
    const char* from = piece[k] - std::min(window, static_cast<size_t>(piece[k] - body));
    quotes_near = std::memchr(from, '"', static_cast<size_t>(piece[k] - from)) != nullptr;
  }
  std::vector<size_t> quotes(t, 0);
  if (quotes_near) ForEachOnThreads(t, [&](size_t k) { quotes[k] = CountQuotes(piece[k], piece[k + 1]); });
  std::vector<const char*> guess(t + 1);
  guess[0] = body;
  guess[t] = end;
  size_t quotes_before = 0;
  for (size_t k = 1; k < t; ++k) {
    quotes_before += quotes[k - 1];
    guess[k] = std::max(guess[k - 1], GuessRecordStart(piece[k], piece[k + 1], quotes_before % 2 == 1));
  }

  // Each range on its own thread. Only the first knows its line number; the others number from
  // 1 and are parsed again before an error of theirs is reported.
  std::vector<Range> ranges(t);
  ForEachOnThreads(t, [&](size_t k) {
    // The first range reserves column memory for the whole input: the others are appended to it.
    const size_t reserve = k == 0 ? body_bytes : static_cast<size_t>(guess[k + 1] - guess[k]);
    ranges[k] = ParseRange(header, data, guess[k], guess[k + 1], k == 0 ? header.line() : 1, 0, reserve, none);
  });

  // Verify in file order; parse again what started at a wrong place or failed.
  std::vector<uint64_t> first_line(t), first_row(t);
  const char* at = body;
  uint64_t line = header.line(), rows = 0;
  const uint64_t max_rows = options.limits.max_rows;
  for (size_t k = 0; k < t; ++k) {
    Range& r = ranges[k];
    if (k == 0) RETURN_IF_ERROR(r.status);  // the first range knew its line numbers
    const bool misplaced = r.begin != at;
    if (misplaced || !r.status.ok() || (max_rows != 0 && rows + r.rows > max_rows)) {
      const size_t reserve = k == 0 ? body_bytes : static_cast<size_t>(end - at) / (t - k);
      r = ParseRange(header, data, at, std::max(at, guess[k + 1]), line, rows, reserve, none);
      RETURN_IF_ERROR(r.status);
    }
    first_line[k] = line;
    first_row[k] = rows;
    at = r.stop;
    line += r.lines;
    rows += r.rows;
  }

  // Types, and the ranges to read again with columns forced to strings.
  const size_t ncols = header.num_columns();
  std::vector<State> state(ncols, State::kEmpty);
  std::vector<std::vector<bool>> force(t, std::vector<bool>(ncols, false));
  std::vector<bool> redo(t, false);
  for (size_t c = 0; c < ncols; ++c) {
    size_t first = t;  // the first range with a value
    for (size_t k = 0; k < t; ++k) {
      State s = ranges[k].builders[c].state();
      if (s != State::kEmpty && first == t) first = k;
      state[c] = Combine(state[c], s);
    }
    if (state[c] != State::kString) continue;
    // The sequential reader keeps the text of the ranges after the first one when the column's
    // first value was text (it was a string column from then on), and of all ranges when the
    // column held numbers or bools first (it reads the input again with the column forced).
    const ColumnBuilder& f = ranges[first].builders[c];
    const bool text_first = f.state() == State::kString && !f.converted_with_values();
    for (size_t k = text_first ? first + 1 : 0; k < t; ++k) {
      const ColumnBuilder& b = ranges[k].builders[c];
      const bool same_as_forced = (b.state() == State::kString || b.state() == State::kEmpty) &&
                                  !b.converted_with_values() && !b.nan_text_seen();
      if (!same_as_forced) force[k][c] = redo[k] = true;
    }
  }
  std::vector<Status> redo_status(t);
  ForEachOnThreads(t, [&](size_t k) {
    if (!redo[k]) return;
    const size_t reserve = k == 0 ? body_bytes : static_cast<size_t>(ranges[k].stop - ranges[k].begin);
    const char* limit = ranges[k].stop;  // exactly the records it read before
    ranges[k] = ParseRange(header, data, ranges[k].begin, limit, first_line[k], first_row[k], reserve, force[k]);
    redo_status[k] = ranges[k].status;
  });
  for (const Status& s : redo_status) RETURN_IF_ERROR(s);

  std::vector<Column> columns(ncols);
  const size_t workers = std::min(t, ncols);
  ForEachOnThreads(workers, [&](size_t w) {
    for (size_t c = w; c < ncols; c += workers) columns[c] = Concatenate(ranges, c, state[c]);
  });
  Table table;
  for (auto& column : columns) RETURN_IF_ERROR(table.AddColumn(std::move(column)));
  return table;
}

}  // namespace moebius::data::internal
