// The SQL result writer (quoting, NULLs, unicode, binary values, caps) and the SQLite driver
// against real SQLite files (read-only enforcement, one statement, path rules).
#include "data/sql/sql_source.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <limits>

#include "base/clock.h"
#include "base/json.h"
#include "data/data_schema.h"
#include "data/table/table_reader.h"
#include "store/meta/migrations.h"
#include "store/meta/sqlite_database.h"

namespace moebius::data {
namespace {

namespace fs = std::filesystem;
using C = SqlCell;

std::string WriteAll(TableFormat f, const std::vector<std::string>& cols, const std::vector<std::vector<SqlCell>>& rows) {
  SqlResultWriter w(f, {});
  EXPECT_TRUE(w.Begin(cols).ok());
  for (const auto& r : rows) EXPECT_TRUE(w.AddRow(r).ok());
  return w.Finish();
}

TEST(SqlResultWriter, CsvQuotingNullsAndUnicode) {
  std::string out = WriteAll(TableFormat::kCsv, {"id", "name", "note", "score", "ok"},
                             {{C::Integer(1), C::Text("plain"), C::Text("a,b"), C::Real(0.1), C::Bool(true)},
                              {C::Integer(-2), C::Text("say \"hi\""), C::Text("two\nlines"), C::Real(1e300), C::Bool(false)},
                              {C::Null(), C::Text(""), C::Null(), C::NumberText("123.4500"), C::Null()},
                              {C::Integer(3), C::Text("서울 ☃"), C::Text(" padded "), C::Real(-0.0), C::Null()}});
  EXPECT_EQ(out,
            "id,name,note,score,ok\n"
            "1,plain,\"a,b\",0.1,true\n"
            "-2,\"say \"\"hi\"\"\",\"two\nlines\",1e+300,false\n"
            ",\"\",,123.4500,\n"
            "3,서울 ☃,\" padded \",-0,\n");
  // What we write is what the table reader (and so every tabular check) reads back.
  auto t = ReadTableFromBuffer(out, ReadOptions{TableFormat::kCsv, "q.csv", {}});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->num_rows(), 4u);
}

TEST(SqlResultWriter, OneColumnNullKeepsItsRow) {
  std::string out = WriteAll(TableFormat::kCsv, {"x"}, {{C::Text("a")}, {C::Null()}, {C::Text("b")}});
  EXPECT_EQ(out, "x\na\n\"\"\nb\n");
  auto t = ReadTableFromBuffer(out, ReadOptions{TableFormat::kCsv, "q.csv", {}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->num_rows(), 3u);
}

TEST(SqlResultWriter, JsonlNullIsAbsentAndTypesKept) {
  std::string out = WriteAll(TableFormat::kJsonl, {"id", "name", "score", "ok", "big"},
                             {{C::Integer(1), C::Text("tab\there \"q\" \\ ☃"), C::Real(2.5), C::Bool(true), C::NumberText("12345678901234567890.5")},
                              {C::Null(), C::Text("\x01"), C::Real(std::numeric_limits<double>::infinity()), C::Null(), C::NumberText("NaN")}});
  EXPECT_EQ(out,
            "{\"id\":1,\"name\":\"tab\\there \\\"q\\\" \\\\ ☃\",\"score\":2.5,\"ok\":true,\"big\":12345678901234567890.5}\n"
            "{\"name\":\"\\u0001\",\"score\":\"inf\",\"big\":\"NaN\"}\n");
  size_t nl = out.find('\n');
  EXPECT_TRUE(Json::parse(out.substr(0, nl), nullptr, false).is_object());
  EXPECT_TRUE(Json::parse(out.substr(nl + 1, out.size() - nl - 2), nullptr, false).is_object());
  auto t = ReadTableFromBuffer(out, ReadOptions{TableFormat::kJsonl, "q.jsonl", {}});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
}

TEST(SqlResultWriter, RefusesBadInputNamingRowAndColumn) {
  SqlResultWriter w(TableFormat::kCsv, {});
  ASSERT_TRUE(w.Begin({"a", "b"}).ok());
  ASSERT_TRUE(w.AddRow({C::Integer(1), C::Text("ok")}).ok());
  Status st = w.AddRow({C::Integer(2), C::Text("\xff\xfe")});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "row 2, column 'b': text is not valid UTF-8 (or holds a NUL byte)");
  st = w.AddRow({C::Binary(), C::Null()});
  EXPECT_NE(st.message().find("row 2, column 'a': binary values"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("hex(x)"), std::string::npos);

  SqlResultWriter dup(TableFormat::kJsonl, {});
  EXPECT_NE(dup.Begin({"a", "a"}).message().find("two columns named 'a'"), std::string::npos);
  SqlResultWriter unnamed(TableFormat::kCsv, {});
  EXPECT_FALSE(unnamed.Begin({"a", ""}).ok());
}

TEST(SqlResultWriter, RowAndByteCaps) {
  SqlResultWriter rows(TableFormat::kCsv, {2, 1 << 20});
  ASSERT_TRUE(rows.Begin({"a"}).ok());
  ASSERT_TRUE(rows.AddRow({C::Integer(1)}).ok());
  ASSERT_TRUE(rows.AddRow({C::Integer(2)}).ok());
  Status st = rows.AddRow({C::Integer(3)});
  EXPECT_EQ(st.message(), "the query returns more than 2 rows; add LIMIT or raise max_rows");

  SqlResultWriter bytes(TableFormat::kCsv, {1000, 64});
  ASSERT_TRUE(bytes.Begin({"a"}).ok());
  std::string big(100, 'x');
  st = bytes.AddRow({C::Text(big)});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("larger than 64 bytes"), std::string::npos);
}

TEST(SqlResultWriter, JsonNumberGrammar) {
  for (const char* ok : {"0", "-1", "1.5", "1e10", "1E+3", "-0.0e-2", "12345678901234567890"}) EXPECT_TRUE(IsJsonNumber(ok)) << ok;
  for (const char* bad : {"", "-", "01", "1.", ".5", "1e", "NaN", "Infinity", "+1", "0x10", "1 "}) EXPECT_FALSE(IsJsonNumber(bad)) << bad;
}

// ---------------------------------------------------------------------------- SQLite

class SqliteSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("moebius-sqlsrc-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "allowed");
    fs::create_directories(dir_ / "outside");
    db_path_ = (dir_ / "allowed" / "shop.db").string();
    Exec(db_path_,
         "CREATE TABLE t (id INTEGER, name TEXT, price REAL, img BLOB);"
         "INSERT INTO t VALUES (1, 'apple, red', 1.25, NULL), (2, '배', NULL, NULL), (3, NULL, 3.0, x'00ff');");
    meta_ = std::move(store::OpenSqlite((dir_ / "meta.db").string())).value();
    ASSERT_TRUE(store::Migrate(*meta_, DataMigrations()).ok());
    sources_ = std::make_unique<SqlSources>(*meta_, clock_, std::vector<std::string>{(dir_ / "allowed").string()});
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void Exec(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_close(db);
  }
  Result<SqlQueryResult> Query(const std::string& q, TableFormat f = TableFormat::kCsv) {
    ASSIGN_OR_RETURN(SqlConnection c, sources_->Get(1, "shop"));
    SqlQueryOptions o;
    o.format = f;
    return sources_->Query(c, q, o);
  }
  int64_t Count() {
    sqlite3* db = nullptr;
    sqlite3_open(db_path_.c_str(), &db);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM t", -1, &st, nullptr);
    sqlite3_step(st);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }

  fs::path dir_;
  std::string db_path_;
  ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<store::Database> meta_;
  std::unique_ptr<SqlSources> sources_;
};

TEST_F(SqliteSourceTest, QueryRendersRows) {
  ASSERT_TRUE(sources_->Create(1, "shop", "sqlite", db_path_, "pm").ok());
  auto r = Query("SELECT id, name, price FROM t ORDER BY id");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 3);
  EXPECT_EQ(r->bytes, "id,name,price\n1,\"apple, red\",1.25\n2,배,\n3,,3\n");
  auto j = Query("SELECT id, name FROM t WHERE id = 2", TableFormat::kJsonl);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(j->bytes, "{\"id\":2,\"name\":\"배\"}\n");
}

TEST_F(SqliteSourceTest, BlobsAreRefusedWithAHint) {
  ASSERT_TRUE(sources_->Create(1, "shop", "sqlite", db_path_, "pm").ok());
  auto r = Query("SELECT id, img FROM t ORDER BY id");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("row 3, column 'img'"), std::string::npos) << r.status().message();
  auto hex = Query("SELECT id, hex(img) AS img FROM t WHERE id = 3");
  ASSERT_TRUE(hex.ok());
  EXPECT_EQ(hex->bytes, "id,img\n3,00FF\n");
}

TEST_F(SqliteSourceTest, OnlyReadsRun) {
  ASSERT_TRUE(sources_->Create(1, "shop", "sqlite", db_path_, "pm").ok());
  std::string vacuum = "VACUUM INTO '" + (dir_ / "allowed" / "copy.db").string() + "'";
  for (const std::string& q : std::vector<std::string>{"DELETE FROM t", "INSERT INTO t (id) VALUES (9)", "UPDATE t SET id = 0", "DROP TABLE t",
                        "ATTACH DATABASE '/etc/passwd' AS x", "PRAGMA query_only = 0", "CREATE TABLE u (a)",
                        "SELECT 1; DELETE FROM t", "BEGIN", "WITH x AS (SELECT 1) DELETE FROM t",
                        "SELECT * FROM t; SELECT 1", vacuum}) {
    auto r = Query(q);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << q << ": " << r.status().ToString();
  }
  EXPECT_EQ(Count(), 3);
  EXPECT_FALSE(fs::exists(dir_ / "allowed" / "copy.db"));
  // A trailing semicolon and comments are fine.
  EXPECT_TRUE(Query("SELECT id FROM t; -- done\n").ok());
}

TEST_F(SqliteSourceTest, SyntaxErrorsAndNoRowsAreClear) {
  ASSERT_TRUE(sources_->Create(1, "shop", "sqlite", db_path_, "pm").ok());
  auto r = Query("SELEC * FROM t");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("syntax error"), std::string::npos) << r.status().message();
  r = Query("SELECT * FROM missing_table");
  EXPECT_NE(r.status().message().find("no such table"), std::string::npos) << r.status().message();
  r = Query("SELECT * FROM t WHERE id > 100");
  EXPECT_NE(r.status().message().find("no rows"), std::string::npos);
}

TEST_F(SqliteSourceTest, LongQueriesStopAtTheTimeout) {
  ASSERT_TRUE(sources_->Create(1, "shop", "sqlite", db_path_, "pm").ok());
  auto c = sources_->Get(1, "shop");
  SqlQueryOptions o;
  o.statement_timeout_ms = 200;
  auto start = std::chrono::steady_clock::now();
  auto r = sources_->Query(*c, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n", o);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("ran longer than"), std::string::npos) << r.status().message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(SqliteSourceTest, PathsMustLieUnderARoot) {
  Exec((dir_ / "outside" / "secret.db").string(), "CREATE TABLE s (x); INSERT INTO s VALUES (1);");
  auto outside = sources_->Create(1, "a", "sqlite", (dir_ / "outside" / "secret.db").string(), "pm");
  EXPECT_EQ(outside.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(outside.status().message().find("--sql-source-root"), std::string::npos);
  // '..' and symlinks are resolved before the check.
  EXPECT_FALSE(sources_->Create(1, "b", "sqlite", (dir_ / "allowed" / ".." / "outside" / "secret.db").string(), "pm").ok());
  fs::create_symlink(dir_ / "outside" / "secret.db", dir_ / "allowed" / "link.db");
  EXPECT_FALSE(sources_->Create(1, "c", "sqlite", (dir_ / "allowed" / "link.db").string(), "pm").ok());
  // A sibling whose name merely starts with the root's is outside.
  fs::create_directories(dir_ / "allowed-not");
  EXPECT_FALSE(sources_->Create(1, "d", "sqlite", (dir_ / "allowed-not" / "x.db").string(), "pm").ok());
  EXPECT_FALSE(sources_->Create(1, "e", "sqlite", "relative/shop.db", "pm").ok());
  EXPECT_TRUE(sources_->Create(1, "shop", "sqlite", db_path_, "pm").ok());
  // A file swapped for a symlink after creation is refused at query time.
  fs::remove(db_path_);
  fs::create_symlink(dir_ / "outside" / "secret.db", db_path_);
  auto r = Query("SELECT * FROM s");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("--sql-source-root"), std::string::npos) << r.status().message();

  SqlSources none(*meta_, clock_, {});
  auto refused = none.Create(1, "z", "sqlite", db_path_, "pm");
  EXPECT_NE(refused.status().message().find("disabled"), std::string::npos);
}

TEST_F(SqliteSourceTest, ConnectionsCrudAndNames) {
  ASSERT_TRUE(sources_->Create(1, "shop", "sqlite", db_path_, "pm").ok());
  EXPECT_EQ(sources_->Create(1, "shop", "sqlite", db_path_, "pm").status().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(sources_->Create(2, "shop", "sqlite", db_path_, "pm").ok());  // per project
  EXPECT_FALSE(sources_->Create(1, "Bad Name", "sqlite", db_path_, "pm").ok());
  EXPECT_FALSE(sources_->Create(1, "x", "oracle", db_path_, "pm").ok());
  EXPECT_EQ(sources_->List(1)->size(), 1u);
  EXPECT_TRUE(sources_->Delete(1, "shop").ok());
  EXPECT_EQ(sources_->Delete(1, "shop").code(), StatusCode::kNotFound);
  EXPECT_EQ(sources_->Get(1, "shop").status().code(), StatusCode::kNotFound);
}

#ifdef MOEBIUS_HAVE_LIBPQ
TEST(PostgresTarget, ValidationAndMasking) {
  EXPECT_TRUE(ValidatePostgresTarget("host=db.example port=5432 dbname=app user=me password=s3cret").ok());
  EXPECT_TRUE(ValidatePostgresTarget("postgresql://me:s3cret@db.example:5432/app?sslmode=require").ok());
  EXPECT_FALSE(ValidatePostgresTarget("dbname=app").ok());                // no host: a Unix socket
  EXPECT_FALSE(ValidatePostgresTarget("host=/var/run/postgresql dbname=app").ok());
  EXPECT_FALSE(ValidatePostgresTarget("postgresql:///app?host=/tmp").ok());
  EXPECT_FALSE(ValidatePostgresTarget("host=db passfile=/root/.pgpass").ok());
  EXPECT_FALSE(ValidatePostgresTarget("host=db sslkey=/etc/ssl/private/key.pem").ok());
  EXPECT_FALSE(ValidatePostgresTarget("host=db service=prod").ok());
  EXPECT_FALSE(ValidatePostgresTarget("host=db nonsense=1").ok());
  EXPECT_FALSE(ValidatePostgresTarget("postgresql://[bad").ok());

  std::string m = MaskPostgresTarget("host=db.example port=5432 dbname=app user=me password=s3cret");
  EXPECT_EQ(m.find("s3cret"), std::string::npos) << m;
  EXPECT_NE(m.find("password=****"), std::string::npos) << m;
  EXPECT_NE(m.find("host=db.example"), std::string::npos) << m;
  m = MaskPostgresTarget("postgresql://me:s3cret@db.example:5432/app?application_name=x");
  EXPECT_EQ(m.find("s3cret"), std::string::npos) << m;
  EXPECT_NE(m.find("user=me"), std::string::npos) << m;
  m = MaskPostgresTarget("postgresql://me@db/app?password=p%40ss");
  EXPECT_EQ(m.find("p@ss"), std::string::npos) << m;
  EXPECT_EQ(m.find("p%40ss"), std::string::npos) << m;
  m = MaskPostgresTarget("host=db password='with space'");
  EXPECT_EQ(m.find("space"), std::string::npos) << m;
  EXPECT_EQ(MaskPostgresTarget("host=db password"), "****");  // unparsable: nothing shown
  SqlConnection c{0, 1, "w", "postgresql", "host=db user=me", 0, ""};
  EXPECT_FALSE(c.HasPassword());
  c.target += " password=x";
  EXPECT_TRUE(c.HasPassword());
}
#endif  // MOEBIUS_HAVE_LIBPQ

}  // namespace
}  // namespace moebius::data
