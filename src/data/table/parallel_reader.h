// The parallel CSV/TSV reader: one buffer, several threads, the same table and the same errors
// as the sequential reader (DelimitedPass::Run followed by its re-read of converted columns).
// Internal to table_reader.cc.
//
// How: the header is read first. The rest is cut into `threads` byte ranges at guessed record
// boundaries: a first parallel pass counts the quotes of each piece, the prefix parity says
// whether a piece starts inside a quoted field, and a short scan from there finds the first LF
// outside quotes. (When no quote occurs within max_record_bytes before any cut, no record can
// hold the cut inside quotes, and the count is skipped.) Each range is parsed on its own thread into its own column builders,
// stopping at the first record that starts at or after the next range's guess. The guesses are
// then verified in order: a range is kept only if it started exactly where the range before it
// stopped (a record boundary, by induction from the header); otherwise it is parsed again from
// there. So the boundaries are those of a sequential read whatever the quotes look like (a
// quote inside an unquoted field, which this grammar allows, only costs the re-parse).
//
// Types: a column's final type depends only on which kinds of values it holds, not on their
// order, so it is combined from the ranges. Where the sequential reader would keep a string
// column's exact text (see column_builder.h), ranges whose own builder would differ are parsed
// again with that column forced to strings. Errors and limits: the first range (in file order)
// with an error, or whose rows pass max_rows, is parsed again with its true first line number
// and row count, and its error is returned, which is the sequential reader's.
//
// Memory: the buffer, the table, and for a moment a second copy of the columns of ranges after
// the first while they are appended.
//
// Thread safety: reentrant; uses up to `threads` threads of its own.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/status.h"
#include "data/table/table.h"
#include "data/table/table_reader.h"

namespace moebius::data::internal {

// Inputs smaller than this are read on one thread; ranges are at least a quarter of it.
constexpr size_t kParallelMinBytes = size_t{4} << 20;

// The thread count ReadOptions::threads stands for: 0 is the hardware's, at most 8.
int ReadThreads(const ReadOptions& options);

// Reads a CSV or TSV buffer with up to `threads` (>= 1) ranges, whatever its size (tests use
// small inputs). Errors as ReadTableFromBuffer.
Result<Table> ReadDelimitedParallel(std::string_view data, const ReadOptions& options, int threads);

}  // namespace moebius::data::internal
