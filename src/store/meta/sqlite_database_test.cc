#include "store/meta/sqlite_database.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "store/meta/migrations.h"

namespace moebius::store {
namespace {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("moebius-sqlite-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto db = OpenSqlite((dir_ / "meta.db").string());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(Migrate(*db_, {{1, "t", "CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT NOT NULL);\nCREATE INDEX t_v ON t (v)"}}).ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(SqliteTest, WriteCommitsAndFailedWriteRollsBack) {
  ASSERT_TRUE(db_->Write([](Tx& tx) { return tx.Exec("INSERT INTO t VALUES (?, ?)", {std::string("a"), int64_t{1}}).status(); }).ok());
  Status st = db_->Write([](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.Exec("INSERT INTO t VALUES (?, ?)", {std::string("b"), int64_t{2}}).status());
    return InvalidArgument("abort");
  });
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  int64_t n = -1;
  ASSERT_TRUE(db_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT COUNT(*) FROM t"));
    n = rows[0].Int(0);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(n, 1);
}

TEST_F(SqliteTest, UniqueViolationIsAlreadyExists) {
  ASSERT_TRUE(db_->Write([](Tx& tx) { return tx.Exec("INSERT INTO t VALUES ('a', 1)").status(); }).ok());
  Status st = db_->Write([](Tx& tx) { return tx.Exec("INSERT INTO t VALUES ('a', 2)").status(); });
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
}

TEST_F(SqliteTest, CountersAreMonotonic) {
  std::vector<int64_t> got;
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(db_->Write([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(int64_t id, tx.NextId("x"));
      got.push_back(id);
      return Status::Ok();
    }).ok());
  EXPECT_EQ(got, (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(SqliteTest, ExecManyAndConcurrentReaders) {
  std::vector<std::vector<SqlValue>> sets;
  for (int i = 0; i < 1000; ++i) sets.push_back({std::to_string(i), int64_t{i}});
  ASSERT_TRUE(db_->Write([&](Tx& tx) { return tx.ExecMany("INSERT INTO t VALUES (?, ?)", sets); }).ok());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      Status st = db_->Read([&](Tx& tx) -> Status {
        ASSIGN_OR_RETURN(Row r, QueryOne(tx, "SELECT SUM(v) FROM t WHERE v >= ?", {int64_t{0}}, "sum"));
        if (r.Int(0) == 499500) ok++;
        return Status::Ok();
      });
      EXPECT_TRUE(st.ok());
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
}

TEST_F(SqliteTest, LikeIsCaseSensitive) {
  ASSERT_TRUE(db_->Write([](Tx& tx) { return tx.Exec("INSERT INTO t VALUES ('Abc', 1)").status(); }).ok());
  int64_t n = -1;
  ASSERT_TRUE(db_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, QueryOne(tx, "SELECT COUNT(*) FROM t WHERE k LIKE ?", {std::string("abc")}, "n"));
    n = r.Int(0);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(n, 0);
}

TEST_F(SqliteTest, UnknownMigrationFromNewerBinaryIsRefused) {
  ASSERT_TRUE(Migrate(*db_, {{1, "t", ""}, {2, "u", "CREATE TABLE u (x BIGINT)"}}).ok());
  Status st = Migrate(*db_, {{1, "t", ""}});
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqliteTest, IntegrityCheckClean) {
  auto r = db_->IntegrityCheck();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

}  // namespace
}  // namespace moebius::store
