#include "data/table/table_reader.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <random>
#include <sstream>

#include "data/table/column_builder.h"

namespace moebius::data {
namespace {

ReadOptions Csv(const char* name = "t.csv") {
  ReadOptions o;
  o.name = name;
  return o;
}

// Reads through both entry points (buffer and stream) and checks they agree.
Result<Table> Read(std::string_view text, const ReadOptions& o) {
  Result<Table> a = ReadTableFromBuffer(text, o);
  std::istringstream in{std::string(text)};
  Result<Table> b = ReadTable(in, o);
  EXPECT_EQ(a.ok(), b.ok());
  if (!a.ok() && !b.ok()) {
    EXPECT_EQ(a.status().message(), b.status().message());
  }
  if (a.ok() && b.ok()) {
    EXPECT_EQ(a->num_rows(), b->num_rows());
    EXPECT_EQ(a->num_columns(), b->num_columns());
  }
  return a;
}

std::string Cell(const Table& t, const char* col, size_t row) {
  const Column* c = t.Find(col);
  if (c == nullptr) return "<no column>";
  auto v = c->Text(row);
  return v ? *v : "<missing>";
}

TEST(TableReaderTest, ParsesFieldsAndTypes) {
  struct Case {
    const char* name;
    std::string text;
    const char* column;
    ColumnType type;
    std::vector<std::string> cells;
  } cases[] = {
      {"plain", "a,b\n1,x\n2,y\n", "a", ColumnType::kInt, {"1", "2"}},
      {"quoted comma", "a,b\n\"x,y\",1\n", "a", ColumnType::kString, {"x,y"}},
      {"doubled quotes", "a,b\n\"say \"\"hi\"\"\",1\n", "a", ColumnType::kString, {"say \"hi\""}},
      {"newline in quotes", "a,b\n\"l1\nl2\",1\n", "a", ColumnType::kString, {"l1\nl2"}},
      {"crlf", "a,b\r\n1.5,x\r\n2,y\r\n", "a", ColumnType::kFloat, {"1.5", "2"}},
      {"crlf last field", "a,b\r\n1,x\r\n", "b", ColumnType::kString, {"x"}},
      {"bom", "\xEF\xBB\xBF" "a,b\n1,2\n", "a", ColumnType::kInt, {"1"}},
      {"no final newline", "a,b\n1,2", "b", ColumnType::kInt, {"2"}},
      {"blank lines skipped", "a,b\n\n1,2\n\r\n3,4\n", "a", ColumnType::kInt, {"1", "3"}},
      {"missing tokens", "a,b\n1,NA\n,null\nNaN,None\n4,\n", "a", ColumnType::kInt,
       {"1", "<missing>", "<missing>", "4"}},
      {"all missing is float", "a,b\nNA,1\n,2\n", "a", ColumnType::kFloat, {"<missing>", "<missing>"}},
      {"bool", "a,b\ntrue,1\nFalse,2\nNA,3\n", "a", ColumnType::kBool, {"true", "false", "<missing>"}},
      {"int widens to float", "a\n1\n2.5\n", "a", ColumnType::kFloat, {"1", "2.5"}},
      {"plus sign and spaces", "a\n+3\n 4 \n", "a", ColumnType::kInt, {"3", "4"}},
      {"inf", "a\ninf\n-inf\n1\n", "a", ColumnType::kFloat, {"inf", "-inf", "1"}},
      {"text after numbers keeps text", "a\n1.50\n007\nabc\n", "a", ColumnType::kString, {"1.50", "007", "abc"}},
      {"bool then number is string", "a\ntrue\n1\n", "a", ColumnType::kString, {"true", "1"}},
      {"missing in string column", "a\nx\nNA\n\n", "a", ColumnType::kString, {"x", "<missing>"}},
      {"quoted empty is missing", "a,b\n\"\",1\n", "a", ColumnType::kFloat, {"<missing>"}},
      {"trailing delimiter", "a,b\n1,\n", "b", ColumnType::kFloat, {"<missing>"}},
      {"utf-8 text", "이름,b\n서울,1\n", "이름", ColumnType::kString, {"서울"}},
      {"huge int is float", "a\n12345678901234567890\n", "a", ColumnType::kFloat, {"12345678901234567168"}},
  };
  for (const auto& c : cases) {
    Result<Table> t = Read(c.text, Csv());
    ASSERT_TRUE(t.ok()) << c.name << ": " << t.status().ToString();
    const Column* col = t->Find(c.column);
    ASSERT_NE(col, nullptr) << c.name;
    EXPECT_EQ(col->type, c.type) << c.name;
    ASSERT_EQ(t->num_rows(), c.cells.size()) << c.name;
    for (size_t r = 0; r < c.cells.size(); ++r) EXPECT_EQ(Cell(*t, c.column, r), c.cells[r]) << c.name << " row " << r;
  }
}

TEST(TableReaderTest, TsvAndHeaderNames) {
  ReadOptions o = Csv("t.tsv");
  o.format = TableFormat::kTsv;
  Result<Table> t = Read("a\t\tc\n1,5\t\"q\"\t3\n", o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Cell(*t, "a", 0), "1,5");
  EXPECT_EQ(Cell(*t, "Unnamed: 1", 0), "q");
  EXPECT_EQ(t->columns()[2].type, ColumnType::kInt);
}

TEST(TableReaderTest, ErrorsNameFileLineAndColumn) {
  struct Case {
    const char* name;
    std::string text;
    const char* message;
  } cases[] = {
      {"ragged long", "a,b,c,d\n1,2,3,4\n" + std::string(14, '\n') + "1,2,3,4,5\n", "t.csv: line 17 has 5 fields; the header has 4"},
      {"ragged short", "a,b\n1,2\n3\n", "t.csv: line 3 has 1 fields; the header has 2"},
      {"line after quoted newline", "a,b\n\"x\ny\",1\n1,2,3\n", "t.csv: line 4 has 3 fields; the header has 2"},
      {"unterminated", "a,b\n1,2\n\"open,3\n4,5\n", "t.csv: line 3: unterminated quoted field (opened in column 'a')"},
      {"junk after quote", "a,b\n\"x\"y,1\n", "t.csv: line 2, column 'a': unexpected character after the closing quote"},
      {"invalid utf-8", "a,city\n1,\xC3\x28\n", "t.csv: line 2, column 'city': invalid UTF-8 or NUL byte"},
      {"nul byte", std::string("a\nx\0y\n", 6), "t.csv: line 2, column 'a': invalid UTF-8 or NUL byte"},
      {"empty", "", "t.csv: the file is empty (no header line)"},
      {"only blank lines", "\n\r\n\n", "t.csv: the file is empty (no header line)"},
      {"duplicate header", "a,b,a\n1,2,3\n", "t.csv: line 1: column name 'a' appears twice in the header"},
  };
  for (const auto& c : cases) {
    Result<Table> t = Read(c.text, Csv());
    ASSERT_FALSE(t.ok()) << c.name;
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(t.status().message(), c.message) << c.name;
  }
}

TEST(TableReaderTest, HugeHeaderLineFailsFast) {
  // A 10 MB header with no newline: the stream reader stops after about two 1 MiB blocks.
  std::string header(10 << 20, 'x');
  std::istringstream in(header + "\n1\n");
  Result<Table> t = ReadTable(in, Csv("big.csv"));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "big.csv: line 1 is longer than 1048576 bytes");
  EXPECT_LT(static_cast<size_t>(in.tellg()), size_t{4} << 20);
  Result<Table> b = ReadTableFromBuffer(header, Csv("big.csv"));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(), "big.csv: line 1 is longer than 1048576 bytes");
}

TEST(TableReaderTest, Limits) {
  ReadOptions o = Csv();
  o.limits.max_columns = 3;
  EXPECT_EQ(Read("a,b,c,d\n", o).status().message(), "t.csv: line 1 has more than 3 fields");
  o = Csv();
  o.limits.max_field_bytes = 4;
  EXPECT_EQ(Read("a,b\n1,\"12345\"\n", o).status().message(),
            "t.csv: line 2, column 'b': a field is longer than 4 bytes");
  o = Csv();
  o.limits.max_rows = 2;
  EXPECT_EQ(Read("a\n1\n2\n3\n", o).status().message(), "t.csv: line 4: more than 2 rows");
}

TEST(TableReaderTest, StreamsAcrossBlockBoundaries) {
  // Records and quoted fields straddle the 1 MiB blocks of the stream reader.
  std::string text = "id,text,x\n";
  for (int i = 0; i < 60000; ++i) {
    text += std::to_string(i) + ",\"a \"\"quoted\"\", multi\nline " + std::to_string(i) + "\"," +
            std::to_string(i * 0.5) + "\r\n";
  }
  text += "60000,x,1\n1,2\n";  // a ragged row at the end
  std::istringstream in(text);
  Result<Table> t = ReadTable(in, Csv());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "t.csv: line 120003 has 2 fields; the header has 3");
  text.resize(text.size() - 4);
  std::istringstream in2(text);
  t = ReadTable(in2, Csv());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->num_rows(), 60001u);
  EXPECT_EQ(Cell(*t, "text", 59999), "a \"quoted\", multi\nline 59999");
  EXPECT_EQ(Cell(*t, "x", 59999), "29999.5");
  EXPECT_EQ(t->Find("id")->type, ColumnType::kInt);
}

TEST(TableReaderTest, ConvertedColumnKeepsTextOnlyWhenSeekable) {
  std::string text = "a\n1.50\n2\nx\n";
  Result<Table> t = Read(text, Csv());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(Cell(*t, "a", 0), "1.50");
}

TEST(TableReaderTest, Jsonl) {
  ReadOptions o = Csv("rows.jsonl");
  o.format = TableFormat::kJsonl;
  Result<Table> t = Read(
      "{\"a\": 1, \"b\": \"x\"}\r\n\n{\"b\": null, \"c\": true, \"a\": 2.5}\n{\"a\": 3, \"d\": [1, 2]}", o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->num_rows(), 3u);
  ASSERT_EQ(t->num_columns(), 4u);
  EXPECT_EQ(t->columns()[0].name, "a");
  EXPECT_EQ(t->columns()[1].name, "b");
  EXPECT_EQ(t->columns()[2].name, "c");
  EXPECT_EQ(t->Find("a")->type, ColumnType::kFloat);
  EXPECT_EQ(Cell(*t, "b", 1), "<missing>");
  EXPECT_EQ(Cell(*t, "c", 0), "<missing>");
  EXPECT_EQ(Cell(*t, "c", 1), "true");
  EXPECT_EQ(Cell(*t, "d", 2), "[1,2]");
  EXPECT_EQ(t->Find("d")->type, ColumnType::kString);

  struct Case {
    const char* text;
    const char* message;
  } errors[] = {
      {"{\"a\":1}\n[1,2]\n", "rows.jsonl: line 2 is not a JSON object"},
      {"{\"a\":1}\n\n\"s\"\n", "rows.jsonl: line 3 is not a JSON object"},
      {"", "rows.jsonl: the file is empty (no JSON objects)"},
      {"{\"a\":\"\xff\"}\n", "rows.jsonl: line 1: invalid UTF-8 or NUL byte"},
  };
  for (const auto& e : errors) {
    Result<Table> r = Read(e.text, o);
    ASSERT_FALSE(r.ok()) << e.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), e.message);
  }
  Result<Table> bad = Read("{\"a\":1}\n{\"a\":\n", o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("rows.jsonl: line 2: malformed JSON", 0), 0u) << bad.status().message();
}

TEST(TableReaderTest, NumbersMatchFromChars) {
  // The exact fast path and the from_chars fallback agree with from_chars: digit runs of many
  // lengths, signs, exponents, leading zeros, more than 19 digits and values past 2^53.
  std::mt19937_64 rng(42);
  std::vector<std::string> texts = {"0", "-0", "007", "9007199254740993", "12345678.12345678", "1e22", "1e23",
                                    "0.30000000000000004", "123456789012345678901234", "4.9e-324", "1.7976931348623157e308",
                                    "-0.000000000000000000001", "99999999", "100000000", "1.5E+3", "+42.5"};
  for (int i = 0; i < 20000; ++i) {
    std::string t = (rng() % 4 == 0) ? "-" : "";
    int int_digits = static_cast<int>(rng() % 12), frac_digits = static_cast<int>(rng() % 12);
    for (int k = 0; k < int_digits; ++k) t += static_cast<char>('0' + rng() % 10);
    if (int_digits == 0) t += "0";
    if (frac_digits > 0) t += ".";
    for (int k = 0; k < frac_digits; ++k) t += static_cast<char>('0' + rng() % 10);
    if (rng() % 5 == 0) t += "e" + std::to_string(static_cast<int>(rng() % 40) - 20);
    texts.push_back(t);
  }
  std::string csv = "a,b\n";
  for (const auto& t : texts) csv += t + ",1\n";
  Result<Table> table = Read(csv, Csv());
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  const Column* a = table->Find("a");
  ASSERT_EQ(a->type, ColumnType::kFloat);
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string_view t = texts[i];
    if (t.front() == '+') t.remove_prefix(1);
    double want = 0;
    std::from_chars(t.data(), t.data() + t.size(), want);
    EXPECT_EQ(a->numbers[i], want) << texts[i];
  }
}

TEST(TableReaderTest, NumericRecordPathMatchesColumnBuilder) {
  // Rows of numeric-looking tokens, most taken by the reader's numeric-record path and some
  // (spaces, missing tokens, text, bools, CRLF, a missing final newline) by the general one; each
  // column must equal a ColumnBuilder fed the same tokens one by one.
  const std::vector<std::string> tokens = {
      "1", "-2", "+3", "4.5", "-0.000351", "1e-05", "2.5E+3", "", "NA", "nan", " 7 ", "12345678901234567890",
      "9007199254740993", "0.1234567890123456789", "1e", "1.2.3", "12abc", "true", "007", "-", ".5", "5.", "1e400"};
  std::mt19937_64 rng(11);
  for (int round = 0; round < 200; ++round) {
    const size_t cols = 1 + rng() % 4, rows = 1 + rng() % 30;
    std::vector<std::vector<std::string>> cells(cols);
    std::string csv;
    for (size_t c = 0; c < cols; ++c) csv += (c ? "," : "") + std::string("c") + std::to_string(c);
    csv += "\n";
    const bool crlf = rng() % 4 == 0, plain = rng() % 2 == 0;
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < cols; ++c) {
        // Half of the rounds stay on plain numbers and empty fields, the fast path's own ground.
        std::string t = tokens[rng() % (plain ? 8 : tokens.size())];
        if (cols == 1 && t.empty()) t = "NA";  // an empty line would be a skipped blank line
        cells[c].push_back(t);
        csv += (c ? "," : "") + t;
      }
      if (r + 1 < rows || rng() % 2 == 0) csv += crlf ? "\r\n" : "\n";
    }
    Result<Table> table = Read(csv, Csv());
    ASSERT_TRUE(table.ok()) << table.status().ToString() << "\n" << csv;
    for (size_t c = 0; c < cols; ++c) {
      internal::ColumnBuilder b("c" + std::to_string(c), false);
      for (const auto& t : cells[c]) b.AddText(t);
      if (b.converted_with_values()) continue;  // the reader re-reads those; checked elsewhere
      Column want = std::move(b).Finish();
      const Column& got = table->columns()[c];
      ASSERT_EQ(got.type, want.type) << csv;
      ASSERT_EQ(got.size(), want.size()) << csv;
      for (size_t r = 0; r < got.size(); ++r) EXPECT_EQ(got.Text(r), want.Text(r)) << csv << " row " << r;
    }
  }
}

TEST(TableReaderTest, NumericRecordsStillCheckLimits) {
  ReadOptions o = Csv();
  o.limits.max_rows = 2;
  Result<Table> rows = Read("a,b\n1,2\n3,4\n5,6\n", o);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().message(), "t.csv: line 4: more than 2 rows");
  o = Csv();
  o.limits.max_field_bytes = 4;
  Result<Table> field = Read("a,b\n1,2\n3,12345\n", o);
  ASSERT_FALSE(field.ok());
  EXPECT_EQ(field.status().message(), "t.csv: line 3, column 'b': a field is longer than 4 bytes");
  Result<Table> count = Read("a,b\n1,2\n3,4,5\n", Csv());
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(count.status().message(), "t.csv: line 3 has 3 fields; the header has 2");
}

TEST(TableReaderTest, FormatFromPath) {
  EXPECT_EQ(FormatFromPath("x/y.CSV"), TableFormat::kCsv);
  EXPECT_EQ(FormatFromPath("y.tsv"), TableFormat::kTsv);
  EXPECT_EQ(FormatFromPath("y.ndjson"), TableFormat::kJsonl);
  EXPECT_EQ(FormatFromPath("y.parquet"), std::nullopt);
  EXPECT_EQ(ReadTableFile("/nonexistent/x.csv", Csv("/nonexistent/x.csv")).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace moebius::data
