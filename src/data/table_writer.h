// Writes a Table back as CSV, TSV or JSONL: the rows kept by refinement, or a table with
// columns added by a split. Numbers are written as their shortest round-trip decimal, missing
// values as empty fields (CSV/TSV) or absent keys (JSONL).
#pragma once

#include <string>
#include <vector>

#include "data/table/table.h"
#include "data/table/table_reader.h"

namespace moebius::data {

std::string WriteTable(const Table& t, const std::vector<size_t>& rows, TableFormat format);

}  // namespace moebius::data
