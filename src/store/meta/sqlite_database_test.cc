#include "store/meta/sqlite_database.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "store/meta/data_dir.h"
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

mode_t ModeOf(const std::filesystem::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

TEST_F(SqliteTest, DatabaseWalAndShmArePrivate) {
  // Whatever the umask, the database (it holds secrets) and the files SQLite derives from it.
  mode_t old = ::umask(022);
  ASSERT_TRUE(db_->Write([](Tx& tx) { return tx.Exec("INSERT INTO t VALUES ('m', 1)").status(); }).ok());
  auto other = OpenSqlite((dir_ / "other.db").string());
  ::umask(old);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Write([](Tx& tx) { return tx.Exec("CREATE TABLE x (a INT)").status(); }).ok());
  for (const char* name : {"other.db", "other.db-wal", "other.db-shm"}) {
    ASSERT_TRUE(std::filesystem::exists(dir_ / name)) << name;
    EXPECT_EQ(ModeOf(dir_ / name), 0600u) << name;
  }
}

TEST(DataDirTest, CreatesPrivateAndTightensWhatIsOpen) {
  auto dir = std::filesystem::temp_directory_path() / ("moebius-datadir-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto created = SecureDataDir((dir / "new").string());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(created->empty());
  EXPECT_EQ(ModeOf(dir / "new"), 0700u);

  // An older release's layout: a world-readable directory, database and key.
  std::filesystem::create_directories(dir / "old" / "secrets");
  for (const char* name : {"old/meta.db", "old/meta.db-wal", "old/secrets/pii.key"}) std::ofstream(dir / name) << "x";
  ::chmod((dir / "old").c_str(), 0755);
  ::chmod((dir / "old" / "secrets").c_str(), 0755);
  for (const char* name : {"old/meta.db", "old/meta.db-wal", "old/secrets/pii.key"}) ::chmod((dir / name).c_str(), 0644);
  std::ofstream(dir / "old" / "notes.txt") << "not ours to judge";
  ::chmod((dir / "old" / "notes.txt").c_str(), 0644);
  auto fixed = SecureDataDir((dir / "old").string());
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_EQ(fixed->size(), 5u);
  EXPECT_EQ(ModeOf(dir / "old"), 0700u);
  EXPECT_EQ(ModeOf(dir / "old" / "secrets"), 0700u);
  for (const char* name : {"old/meta.db", "old/meta.db-wal", "old/secrets/pii.key"}) EXPECT_EQ(ModeOf(dir / name), 0600u) << name;
  EXPECT_EQ(ModeOf(dir / "old" / "notes.txt"), 0644u);
  EXPECT_TRUE(SecureDataDir((dir / "old").string())->empty());  // nothing left to fix
  std::filesystem::remove_all(dir);
}

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
