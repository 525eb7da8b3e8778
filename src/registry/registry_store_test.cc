// RegistryStore over a real SQLite database: MLflow's registry semantics for names, versions,
// aliases, stages with history, tags and search.
#include "registry/registry_store.h"

#include <gtest/gtest.h>

#include "registry/registry_schema.h"
#include "store/meta/sqlite_database.h"
#include "testing/test_support.h"

namespace moebius::registry {
namespace {

using ::moebius::testing::StatusIs;
using ::testing::HasSubstr;

class RegistryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(store::OpenSqlite(dir_ / "meta.db")).value();
    ASSERT_OK(store::Migrate(*db_, RegistryMigrations()));
    store_ = std::make_unique<RegistryStore>(*db_, clock_);
  }

  ModelVersion Add(const std::string& model, int64_t project = 1) {
    auto m = store_->GetModel(model);
    if (!m.ok()) m = store_->CreateModel(project, model, "", {}, "ann");
    ModelVersion v;
    v.model_id = m->id;
    v.source = "runs:/r1/model";
    v.run_id = "r1";
    v.format = "xgboost";
    v.flavor = "moebius";
    v.model_file = "model.json";
    v.files = {{"model.json", std::string(64, 'a'), 10, "model"}};
    v.signature = Json{{"inputs", Json::array()}};
    v.lineage = Json::object();
    v.created_by = "ann";
    clock_.Advance(1000);
    return store_->CreateVersion(v).value();
  }

  std::vector<std::string> ModelNames(const std::string& filter, std::vector<int64_t> projects = {1, 2}) {
    ModelSearch q;
    q.project_ids = projects;
    q.filter = filter;
    std::vector<std::string> out;
    Page page = store_->SearchModels(q).value();
    for (int64_t id : page.ids) out.push_back(store_->GetModelById(id).value().name);
    return out;
  }

  moebius::testing::TempDir dir_;
  ManualClock clock_{1700000000000};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<RegistryStore> store_;
};

TEST_F(RegistryStoreTest, NamesAreUniqueAndRenamesCarryVersions) {
  ASSERT_OK(store_->CreateModel(1, "churn", "first", {{"team", "a"}}, "ann"));
  EXPECT_THAT(store_->CreateModel(2, "churn", "", {}, "bob"), StatusIs(StatusCode::kAlreadyExists, HasSubstr("already exists")));
  Add("churn");
  ASSERT_OK(store_->CreateModel(1, "other", "", {}, "ann"));
  EXPECT_THAT(store_->RenameModel("churn", "other"), StatusIs(StatusCode::kAlreadyExists));
  ASSERT_OK_AND_ASSIGN(RegisteredModel renamed, store_->RenameModel("churn", "churn-v2"));
  EXPECT_EQ(renamed.tags, (Tags{{"team", "a"}}));
  ASSERT_OK_AND_ASSIGN(ModelVersion v, store_->GetVersion("churn-v2", 1));
  EXPECT_EQ(v.model_name, "churn-v2");
  EXPECT_THAT(store_->GetModel("churn"), StatusIs(StatusCode::kNotFound, HasSubstr("name=churn not found")));
  EXPECT_THAT(store_->CreateModel(1, "a/b", "", {}, "ann"), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(RegistryStoreTest, VersionNumbersAreNeverReused) {
  EXPECT_EQ(Add("m").version, 1);
  EXPECT_EQ(Add("m").version, 2);
  ASSERT_OK(store_->DeleteVersion("m", 2));
  EXPECT_EQ(Add("m").version, 3);
  EXPECT_THAT(store_->GetVersion("m", 2), StatusIs(StatusCode::kNotFound, HasSubstr("version=2")));
  EXPECT_EQ(Add("n").version, 1);  // per model
}

TEST_F(RegistryStoreTest, AliasesMoveAtomicallyAndFollowDeletion) {
  Add("m");
  Add("m");
  ASSERT_OK(store_->SetAlias("m", "champion", 1));
  ASSERT_OK(store_->SetAlias("m", "challenger", 2));
  ASSERT_OK(store_->SetAlias("m", "champion", 2));  // moved, not duplicated
  ASSERT_OK_AND_ASSIGN(ModelVersion v, store_->GetByAlias("m", "champion"));
  EXPECT_EQ(v.version, 2);
  EXPECT_EQ(v.aliases, (std::vector<std::string>{"challenger", "champion"}));
  ASSERT_OK_AND_ASSIGN(RegisteredModel m, store_->GetModel("m"));
  EXPECT_EQ(m.aliases.size(), 2u);
  EXPECT_THAT(store_->SetAlias("m", "x", 9), StatusIs(StatusCode::kNotFound, HasSubstr("version=9")));
  EXPECT_THAT(store_->SetAlias("m", "v3", 1), StatusIs(StatusCode::kInvalidArgument, HasSubstr("reserved")));
  EXPECT_THAT(store_->SetAlias("m", "latest", 1), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->SetAlias("m", "bad alias", 1), StatusIs(StatusCode::kInvalidArgument));
  ASSERT_OK(store_->DeleteVersion("m", 2));
  EXPECT_THAT(store_->GetByAlias("m", "champion"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->DeleteAlias("m", "champion"), StatusIs(StatusCode::kNotFound));
}

TEST_F(RegistryStoreTest, TransitionsAreRecordedAndArchiveExisting) {
  Add("m");
  Add("m");
  ASSERT_OK(store_->TransitionStage("m", 1, Stage::kStaging, false, "ann", "first candidate"));
  ASSERT_OK_AND_ASSIGN(ModelVersion v2, store_->TransitionStage("m", 2, Stage::kStaging, true, "bob", "better"));
  EXPECT_EQ(v2.stage, Stage::kStaging);
  ASSERT_OK_AND_ASSIGN(ModelVersion v1, store_->GetVersion("m", 1));
  EXPECT_EQ(v1.stage, Stage::kArchived);
  ASSERT_OK_AND_ASSIGN(auto h1, store_->StageHistory(v1.id));
  ASSERT_EQ(h1.size(), 2u);
  EXPECT_EQ(h1[0].to, Stage::kStaging);
  EXPECT_EQ(h1[0].reason, "first candidate");
  EXPECT_EQ(h1[1].from, Stage::kStaging);
  EXPECT_EQ(h1[1].to, Stage::kArchived);
  EXPECT_EQ(h1[1].by, "bob");
  EXPECT_EQ(h1[1].archived_for, v2.id);
  EXPECT_EQ(h1[1].archived_for_version, 2);
  EXPECT_EQ(h1[1].reason, "archived when version 2 moved to staging");
}

TEST_F(RegistryStoreTest, SearchFiltersByNameAndTagsWithinVisibleProjects) {
  ASSERT_OK(store_->CreateModel(1, "churn-xgb", "", {{"team", "growth"}}, "ann"));
  ASSERT_OK(store_->CreateModel(1, "Churn-torch", "", {{"team", "core"}}, "ann"));
  ASSERT_OK(store_->CreateModel(2, "fraud", "", {{"team", "growth"}}, "ann"));
  EXPECT_EQ(ModelNames("name LIKE 'churn%'"), (std::vector<std::string>{"churn-xgb"}));
  EXPECT_EQ(ModelNames("name ILIKE 'churn%'"), (std::vector<std::string>{"Churn-torch", "churn-xgb"}));
  EXPECT_EQ(ModelNames("tags.team = 'growth'"), (std::vector<std::string>{"churn-xgb", "fraud"}));
  EXPECT_EQ(ModelNames("tags.team = 'growth'", {1}), (std::vector<std::string>{"churn-xgb"}));
  EXPECT_EQ(ModelNames("name = 'fraud' AND tags.team != 'growth'"), std::vector<std::string>{});
  ModelSearch q;
  q.project_ids = {1, 2};
  q.filter = "name = fraud";
  EXPECT_THAT(store_->SearchModels(q), StatusIs(StatusCode::kInvalidArgument));
  q.filter = "metrics.x > 1";
  EXPECT_THAT(store_->SearchModels(q), StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown entity")));
  q.filter = "";
  q.max_results = 2;
  ASSERT_OK_AND_ASSIGN(Page p1, store_->SearchModels(q));
  ASSERT_EQ(p1.ids.size(), 2u);
  q.page_token = p1.next_page_token;
  ASSERT_OK_AND_ASSIGN(Page p2, store_->SearchModels(q));
  EXPECT_EQ(p2.ids.size(), 1u);
  EXPECT_TRUE(p2.next_page_token.empty());
}

TEST_F(RegistryStoreTest, VersionSearchByRunStageAndNumber) {
  Add("m");
  Add("m");
  ASSERT_OK(store_->TransitionStage("m", 2, Stage::kStaging, false, "ann", ""));
  ModelSearch q;
  q.project_ids = {1};
  q.filter = "name = 'm' AND current_stage = 'Staging'";
  ASSERT_OK_AND_ASSIGN(Page p, store_->SearchVersions(q));
  ASSERT_EQ(p.ids.size(), 1u);
  EXPECT_EQ(store_->GetVersionById(p.ids[0]).value().version, 2);
  q.filter = "run_id = 'r1' AND version_number >= 1";
  q.order_by = {"version_number ASC"};
  ASSERT_OK_AND_ASSIGN(Page all, store_->SearchVersions(q));
  ASSERT_EQ(all.ids.size(), 2u);
  EXPECT_EQ(store_->GetVersionById(all.ids[0]).value().version, 1);
}

TEST_F(RegistryStoreTest, DeletingAModelDeletesItsVersionsTagsAndAliases) {
  Add("m");
  ASSERT_OK(store_->SetAlias("m", "champion", 1));
  ASSERT_OK(store_->SetVersionTag("m", 1, "k", "v"));
  ASSERT_OK(store_->DeleteModel("m"));
  EXPECT_THAT(store_->GetVersion("m", 1), StatusIs(StatusCode::kNotFound));
  int64_t left = -1;
  ASSERT_OK(db_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT (SELECT COUNT(*) FROM model_versions) + (SELECT COUNT(*) FROM model_aliases) + "
                                         "(SELECT COUNT(*) FROM model_version_tags)"));
    left = rows[0].Int(0);
    return Status::Ok();
  }));
  EXPECT_EQ(left, 0);
}

}  // namespace
}  // namespace moebius::registry
