#include "data/table/parallel_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "data/table/table_reader.h"

namespace moebius::data {
namespace {

ReadOptions Sequential(const char* name = "t.csv") {
  ReadOptions o;
  o.name = name;
  o.threads = 1;
  return o;
}

// Tables equal cell for cell: names, types, numbers bit for bit (NaN equals NaN), strings.
void ExpectSameTable(const Table& want, const Table& got, const std::string& what) {
  ASSERT_EQ(want.num_columns(), got.num_columns()) << what;
  ASSERT_EQ(want.num_rows(), got.num_rows()) << what;
  for (size_t c = 0; c < want.num_columns(); ++c) {
    const Column& a = want.columns()[c];
    const Column& b = got.columns()[c];
    ASSERT_EQ(a.name, b.name) << what;
    ASSERT_EQ(a.type, b.type) << what << " column " << a.name;
    ASSERT_EQ(a.numbers.size(), b.numbers.size()) << what << " column " << a.name;
    ASSERT_EQ(a.strings.size(), b.strings.size()) << what << " column " << a.name;
    for (size_t r = 0; r < a.numbers.size(); ++r) {
      ASSERT_EQ(std::memcmp(&a.numbers[r], &b.numbers[r], sizeof(double)), 0)
          << what << " column " << a.name << " row " << r << ": " << a.numbers[r] << " vs " << b.numbers[r];
    }
    for (size_t r = 0; r < a.strings.size(); ++r) {
      ASSERT_EQ(a.strings[r], b.strings[r]) << what << " column " << a.name << " row " << r;
    }
  }
}

// Reads `text` with one thread and with 2, 3 and 4 ranges; all must agree, errors included.
void ExpectSameAsSequential(const std::string& text, const ReadOptions& options, const std::string& what) {
  ReadOptions one = options;
  one.threads = 1;
  Result<Table> want = ReadTableFromBuffer(text, one);
  for (int t : {2, 3, 4}) {
    Result<Table> got = internal::ReadDelimitedParallel(text, options, t);
    const std::string label = what + " threads=" + std::to_string(t);
    ASSERT_EQ(want.ok(), got.ok()) << label << ": " << (want.ok() ? got.status() : want.status()).ToString()
                                   << "\n" << text;
    if (!want.ok()) {
      EXPECT_EQ(want.status().message(), got.status().message()) << label << "\n" << text;
      continue;
    }
    ExpectSameTable(*want, *got, label + "\n" + text);
  }
}

// Writes a field: quoted when it must be (delimiter, quote at the start, CR or LF) or at random.
std::string Field(const std::string& v, std::mt19937_64& rng) {
  bool must = v.find_first_of(",\r\n") != std::string::npos || (!v.empty() && v.front() == '"');
  if (!must && rng() % 6 != 0) return v;  // a quote inside an unquoted field stays literal
  std::string out = "\"";
  for (char ch : v) {
    out += ch;
    if (ch == '"') out += '"';
  }
  return out + "\"";
}

// A column's values: what each kind of column holds, and where it changes.
std::string Value(int kind, size_t row, size_t flip, std::mt19937_64& rng) {
  static const std::vector<std::string> missing = {"", "NA", "nan", "null", "None", "N/A", "-NaN", "NAN", " nan "};
  static const std::vector<std::string> text = {"서울", "Busan, KR", "say \"hi\"", "line\nbreak", "a\r\nb",
                                                "5'11\"", "007", "x", "\"lead", "true"};
  if (rng() % 10 == 0) return missing[rng() % missing.size()];
  switch (kind) {
    case 0: return std::to_string(static_cast<int64_t>(rng() % 2000) - 1000);          // int
    case 1: return std::to_string(static_cast<double>(rng() % 100000) / 64.0 - 500);  // float
    case 2: return rng() % 2 ? "true" : "False";                                       // bool
    case 3: return text[rng() % text.size()];                                          // text
    case 4: return row < flip ? std::to_string(rng() % 100) : text[rng() % text.size()];  // flips late
    case 5: return row < flip ? "1.50" : (rng() % 2 ? "true" : "2");                  // number, then bool
    case 6: return row < flip ? missing[rng() % missing.size()] : "late text";         // only missing, then text
    default: return row == flip ? "1e400" : "007";                                     // ints with one huge
  }
}

TEST(ParallelReaderTest, RandomTablesMatchSequential) {
  std::mt19937_64 rng(20261127);
  for (int round = 0; round < 400; ++round) {
    const size_t cols = 1 + rng() % 6, rows = rng() % 60;
    std::vector<int> kinds(cols);
    for (auto& k : kinds) k = static_cast<int>(rng() % 8);
    const size_t flip = rows == 0 ? 0 : rng() % (rows + 1);
    const bool crlf = rng() % 3 == 0;
    const char* eol = crlf ? "\r\n" : "\n";
    std::string text = rng() % 8 == 0 ? "\xEF\xBB\xBF" : "";
    for (size_t c = 0; c < cols; ++c) text += (c ? "," : "") + Field("c" + std::to_string(c) + (c == 1 ? "\n이름" : ""), rng);
    text += eol;
    for (size_t r = 0; r < rows; ++r) {
      if (rng() % 20 == 0) text += eol;  // a blank line
      size_t n = cols;
      if (rng() % 150 == 0) n = cols + 1 + rng() % 2;  // a ragged row: an error
      for (size_t c = 0; c < n; ++c) {
        std::string v = Value(kinds[c % cols], r, flip, rng);
        if (cols == 1 && v.empty()) v = "NA";  // an empty line would be a blank line
        text += (c ? "," : "") + Field(v, rng);
      }
      if (r + 1 < rows || rng() % 2 == 0) text += eol;
    }
    switch (rng() % 12) {  // now and then, a broken tail
      case 0: text += "\"unterminated,1\n"; break;
      case 1: text += "\"x\"y\n"; break;
      case 2: text += "\xC3\x28\n"; break;
      default: break;
    }
    ReadOptions o = Sequential();
    if (rng() % 10 == 0) o.limits.max_rows = rng() % (rows + 2);
    if (rng() % 10 == 0) o.limits.max_field_bytes = 1 + rng() % 12;
    if (rng() % 10 == 0) o.limits.max_record_bytes = 8 + rng() % 40;
    if (rng() % 10 == 0) o.limits.max_columns = 1 + rng() % 6;
    if (rng() % 10 == 0) o.format = TableFormat::kTsv;  // commas are then plain text
    ExpectSameAsSequential(text, o, "round " + std::to_string(round));
    if (HasFatalFailure()) return;
  }
}

TEST(ParallelReaderTest, LateStringsKeepTheirText) {
  // The flip to text sits in the last range: earlier ranges read numbers that must become text.
  std::string text = "a,b,c\n";
  for (int i = 0; i < 200; ++i) text += "1.50,NAN,00" + std::to_string(i % 10) + "\n";
  text += "x,y,true\n";
  ExpectSameAsSequential(text, Sequential(), "late");
  ReadOptions o = Sequential();
  Result<Table> t = internal::ReadDelimitedParallel(text, o, 3);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->Find("a")->type, ColumnType::kString);
  EXPECT_EQ(*t->Find("a")->strings[0], "1.50");
  // "NAN" is read as a missing number until the text; then, as with one thread, it stays missing.
  EXPECT_FALSE(t->Find("b")->strings[0].has_value());
  EXPECT_EQ(*t->Find("c")->strings[5], "005");
}

TEST(ParallelReaderTest, ErrorsNameTheGlobalLine) {
  // Quoted newlines before the error: the line number counts them, whichever range holds it.
  std::string text = "id,text\n";
  for (int i = 0; i < 300; ++i) text += std::to_string(i) + ",\"two\nlines\"\n";
  text += "1,2,3\n";
  for (int t : {2, 3, 4}) {
    Result<Table> got = internal::ReadDelimitedParallel(text, Sequential(), t);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().message(), "t.csv: line 602 has 3 fields; the header has 2");
  }
  ReadOptions o = Sequential();
  o.limits.max_rows = 250;
  ExpectSameAsSequential(text, o, "max_rows");
  Result<Table> rows = internal::ReadDelimitedParallel(text, o, 4);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().message(), "t.csv: line 502: more than 250 rows");
}

TEST(ParallelReaderTest, StrayQuotesOnlyCostAReparse) {
  // A quote inside an unquoted field flips the quote parity of everything after it, so the
  // guessed boundaries are wrong; the verification reads those ranges again.
  std::string text = "h,w\n5'11\",70\n";
  for (int i = 0; i < 500; ++i) text += std::to_string(i) + ",\"a\nb\"\n";
  ExpectSameAsSequential(text, Sequential(), "stray quote");
}

TEST(ParallelReaderTest, PublicEntryPointsUseThreads) {
  // Over 4 MiB, so ReadTableFromBuffer takes the parallel path.
  std::string text = "x,y,name\n";
  std::mt19937_64 rng(5);
  while (text.size() < (size_t{5} << 20)) {
    text += std::to_string(rng() % 1000000) + "." + std::to_string(rng() % 100) + "," + std::to_string(rng() % 7) +
            ",\"n\n" + std::to_string(rng() % 50) + "\"\n";
  }
  text += "1,2,late\n";
  ReadOptions four = Sequential();
  four.threads = 4;
  Result<Table> a = ReadTableFromBuffer(text, Sequential());
  Result<Table> b = ReadTableFromBuffer(text, four);
  ASSERT_TRUE(a.ok() && b.ok());
  ExpectSameTable(*a, *b, "5 MiB");

  // A file of that size is read whole, in parts, then in ranges.
  const std::string path = ::testing::TempDir() + "/parallel_reader_test.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << text << "1,2\n";  // a ragged last row
  }
  ReadOptions named = four;
  named.name = "big.csv";
  Result<Table> f = ReadTableFile(path, named);
  ASSERT_FALSE(f.ok());
  named.threads = 1;
  Result<Table> g = ReadTableFile(path, named);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(f.status().message(), g.status().message());
  EXPECT_EQ(f.status().message().rfind("big.csv: line ", 0), 0u) << f.status().message();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace moebius::data
