#include "report/package_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/meta/sqlite_database.h"

namespace moebius::report {
namespace {

TEST(PackageStore, OnePackagePerRunAndTaskAndNoWayToChangeIt) {
  auto path = std::filesystem::temp_directory_path() / ("moebius-pkg-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  auto db = std::move(store::OpenSqlite(path.string())).value();
  ASSERT_TRUE(store::Migrate(*db, ReportMigrations()).ok());
  PackageStore ps(*db);
  ConfirmedPackage p;
  p.id = *ps.NextId();
  p.project_id = 7;
  p.run_id = "r1";
  p.task_id = 3;
  p.task_name = "t";
  p.criteria = "f1 >= 0.5";
  p.criteria_result = Json{{"passed", true}};
  p.manifest_sha256 = std::string(64, 'a');
  p.manifest_size = 10;
  p.created_by = "alice";
  p.created_at = 1;
  ASSERT_TRUE(ps.Create(p).ok());
  ConfirmedPackage again = p;
  again.id = *ps.NextId();
  EXPECT_NE(again.id, p.id);
  EXPECT_EQ(ps.Create(again).code(), StatusCode::kAlreadyExists);
  again.task_id = 4;
  EXPECT_TRUE(ps.Create(again).ok());
  auto got = ps.Get(p.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->criteria_result["passed"], true);
  EXPECT_EQ(ps.ListForProject(7)->size(), 2u);
  EXPECT_EQ(ps.ListForRun("r1")->size(), 2u);
  EXPECT_EQ(ps.Get(999).status().code(), StatusCode::kNotFound);
  db.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

}  // namespace
}  // namespace moebius::report
