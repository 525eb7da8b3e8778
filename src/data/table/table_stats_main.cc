// moebius_table_stats: prints the column statistics of a CSV, TSV or JSONL file as JSON, or
// infers a schema from it, or validates it against a saved schema. Used by the pandas
// reference test (tests/data_stats) and the benchmark (bench/stats_bench.py).
//
//   moebius_table_stats [--format csv|tsv|jsonl] [--bins N] [--top K] [--no-corr]
//                       [--label COLUMN] [--threads N] [--pretty] FILE
//   moebius_table_stats --infer-schema [--label COLUMN] FILE
//   moebius_table_stats --validate SCHEMA.json FILE
//
// --threads N: threads for reading (a CSV/TSV file of 4 MiB or more is parsed in N ranges) and
// for the statistics; default (or 0) all cores. --threads 1 is the sequential reader.
//
// Exit status: 0 on success (also when validation finds anomalies; they are in the JSON),
// 1 when the input or schema is bad, 2 for a usage error.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "base/strings.h"
#include "data/table/column_stats.h"
#include "data/table/schema.h"
#include "data/table/table_reader.h"

namespace {

using namespace moebius;
using namespace moebius::data;

int Usage(const std::string& why) {
  std::fprintf(stderr,
               "moebius_table_stats: %s\n"
               "usage: moebius_table_stats [--format csv|tsv|jsonl] [--bins N] [--top K] [--no-corr]\n"
               "                           [--label COLUMN] [--threads N] [--pretty] FILE\n"
               "       moebius_table_stats --infer-schema [--label COLUMN] FILE\n"
               "       moebius_table_stats --validate SCHEMA.json FILE\n",
               why.c_str());
  return 2;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "moebius_table_stats: %s\n", s.message().c_str());
  return 1;
}

bool IntArg(const std::string& text, int* out) {
  auto v = ParseInt64(text);
  if (!v || *v < 0 || *v > 1000000) return false;
  *out = static_cast<int>(*v);
  return true;
}

int Run(int argc, char** argv) {
  StatsOptions stats;
  std::optional<TableFormat> format;
  std::string file, validate;
  bool pretty = false, infer = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&](std::string* v) {
      if (i + 1 >= argc) return false;
      *v = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--format") {
      if (!next(&v) || !(format = ParseTableFormat(v))) return Usage("--format takes csv, tsv or jsonl");
    } else if (a == "--bins") {
      if (!next(&v) || !IntArg(v, &stats.histogram_bins)) return Usage("--bins takes a number");
    } else if (a == "--top") {
      if (!next(&v) || !IntArg(v, &stats.top_k)) return Usage("--top takes a number");
    } else if (a == "--threads") {
      if (!next(&v) || !IntArg(v, &stats.threads)) return Usage("--threads takes a number");
    } else if (a == "--label") {
      if (!next(&stats.label)) return Usage("--label takes a column name");
    } else if (a == "--validate") {
      if (!next(&validate)) return Usage("--validate takes a schema file");
    } else if (a == "--no-corr") {
      stats.correlations = false;
    } else if (a == "--infer-schema") {
      infer = true;
    } else if (a == "--pretty") {
      pretty = true;
    } else if (StartsWith(a, "-") && a != "-") {
      return Usage("unknown option " + a);
    } else if (file.empty()) {
      file = a;
    } else {
      return Usage("more than one input file");
    }
  }
  if (file.empty()) return Usage("no input file");
  if (stats.threads == 0) stats.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ReadOptions read;
  read.name = file;
  read.threads = stats.threads;
  read.format = format.value_or(FormatFromPath(file).value_or(TableFormat::kCsv));
  Result<Table> table = file == "-" ? ReadTable(std::cin, read) : ReadTableFile(file, read);
  if (!table.ok()) return Fail(table.status());

  Json out;
  if (!validate.empty()) {
    std::ifstream in(validate, std::ios::binary);
    if (!in) return Fail(NotFound(validate + ": cannot open the schema file"));
    std::stringstream text;
    text << in.rdbuf();
    Result<Schema> schema = ParseSchema(text.str());
    if (!schema.ok()) return Fail(schema.status().WithContext(validate));
    ValidationOptions vo;
    if (!stats.label.empty()) vo.label = stats.label;
    ValidationReport report = Validate(*table, *schema, vo);
    out = ToJson(report);
  } else if (infer) {
    SchemaOptions so;
    so.label = stats.label;
    Result<Schema> schema = InferSchema(*table, so);
    if (!schema.ok()) return Fail(schema.status());
    out = ToJson(*schema);
  } else {
    Result<TableStats> result = ComputeStats(*table, stats);
    if (!result.ok()) return Fail(result.status());
    out = ToJson(*result);
  }
  std::string text = pretty ? out.dump(2) : out.dump();
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
