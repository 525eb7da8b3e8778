#include "data/data_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "data/data_schema.h"
#include "data/refine.h"
#include "store/meta/sqlite_database.h"

namespace moebius::data {
namespace {

namespace fs = std::filesystem;

class DataStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("moebius-data-" + std::to_string(::getpid()) + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "src");
    db_ = std::move(store::OpenSqlite((dir_ / "meta.db").string())).value();
    ASSERT_TRUE(store::Migrate(*db_, DataMigrations()).ok());
    blobs_ = std::move(store::OpenBlobStore((dir_ / "blobs").string())).value();
    store_ = std::make_unique<DataStore>(*db_, *blobs_, clock_, "test-pii-key-0123456789abcdef012345");
    ds_ = *store_->CreateDataset(1, "docs", "language", "", false, {"ko"}, "alice");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& rel, const std::string& content) {
    fs::create_directories((dir_ / "src" / rel).parent_path());
    std::ofstream(dir_ / "src" / rel, std::ios::binary) << content;
  }
  std::string Tar(const std::string& name, const std::string& members = ".") {
    std::string out = (dir_ / name).string();
    std::string cmd = "tar -cf " + out + " -C " + (dir_ / "src").string() + " " + members;
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    return out;
  }

  ManualClock clock_{1700000000000};
  fs::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<DataStore> store_;
  Dataset ds_;
};

TEST_F(DataStoreTest, IngestVersionDiffRollback) {
  Write("pos/a.txt", "좋아요\n");
  Write("neg/b.txt", "별로\n");
  auto r1 = store_->IngestRound(ds_, Tar("r1.tar"), "archive", "r1.tar", "first", "alice");
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_EQ(r1->number, 1);
  EXPECT_EQ(r1->item_count, 2);
  fs::remove_all(dir_ / "src");
  Write("pos/c.txt", "최고\n");
  Write("pos/a.txt", "좋아요\n");  // the same content again is stored once
  auto r2 = *store_->IngestRound(ds_, Tar("r2.tar"), "archive", "r2.tar", "", "bob");
  EXPECT_EQ(r2.number, 2);

  auto v1 = store_->CreateVersion(ds_, VersionSpec{.status = "raw", .rounds = {1}}, "alice");
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  auto v2 = *store_->CreateVersion(ds_, VersionSpec{.status = "raw", .rounds = {1, 2}}, "alice");
  EXPECT_EQ(v2.item_count, 3);
  auto d = *store_->DiffVersions(*v1, v2);
  ASSERT_EQ(d.delta.added.size(), 1u);
  EXPECT_EQ(d.delta.added[0].path, "pos/c.txt");

  VersionSpec labels{.status = "labeled", .from_version = 2, .labels_from_folders = true};
  auto v3 = *store_->CreateVersion(ds_, labels, "alice");
  EXPECT_EQ(v3.base_version.value_or(0), 0);  // every entry changed: stored in full, not as a delta
  auto items = *store_->Materialize(v3);
  EXPECT_NE(items[0].meta.find("\"label\":\"neg\""), std::string::npos);
  VersionSpec relabel{.status = "labeled", .from_version = 3, .labels = {{"pos/a.txt", "neg"}}};
  auto v4 = *store_->CreateVersion(ds_, relabel, "alice");
  EXPECT_FALSE(v4.base_version.has_value());  // one of three items changed: over the delta share
  auto d34 = *store_->DiffVersions(v3, v4);
  ASSERT_EQ(d34.label_changes.size(), 1u);
  EXPECT_EQ(d34.label_changes[0], "pos/a.txt");

  auto v5 = *store_->Rollback(ds_, 1, "alice");
  EXPECT_EQ(v5.number, 5);
  EXPECT_EQ(*store_->Materialize(v5), *store_->Materialize(*v1));
  EXPECT_TRUE(store_->Fsck()->empty());
}

TEST_F(DataStoreTest, SmallChangesAreStoredAsDeltasAndDiffWithoutTheBase) {
  for (int i = 0; i < 100; ++i) Write("c" + std::to_string(i % 2) + "/f" + std::to_string(i) + ".txt", "t" + std::to_string(i) + "\n");
  ASSERT_TRUE(store_->IngestRound(ds_, Tar("r.tar"), "archive", "r.tar", "", "u").ok());
  auto v1 = *store_->CreateVersion(ds_, VersionSpec{.status = "labeled", .rounds = {1}, .labels_from_folders = true}, "u");
  EXPECT_FALSE(v1.base_version.has_value());
  auto v2 = *store_->CreateVersion(ds_, VersionSpec{.status = "labeled", .from_version = 1, .labels = {{"c0/f0.txt", "c1"}}}, "u");
  ASSERT_TRUE(v2.base_version.has_value());
  EXPECT_EQ(*v2.base_version, 1);
  EXPECT_LT(*store_->StoredManifestBytes(v2), *store_->StoredManifestBytes(v1) / 5);
  auto d = *store_->DiffVersions(v1, v2);
  ASSERT_EQ(d.label_changes, std::vector<std::string>{"c0/f0.txt"});
  auto back = *store_->DiffVersions(v2, v1);
  EXPECT_EQ(back.label_changes.size(), 1u);
  auto items = *store_->Materialize(v2);
  EXPECT_EQ(items.size(), 100u);
  EXPECT_TRUE(store_->Fsck()->empty());
}

TEST_F(DataStoreTest, RenamesAreDetected) {
  Write("a.txt", "same\n");
  Write("b.txt", "other\n");
  ASSERT_TRUE(store_->IngestRound(ds_, Tar("r1.tar"), "archive", "r1.tar", "", "u").ok());
  fs::remove_all(dir_ / "src");
  Write("renamed.txt", "same\n");
  Write("b.txt", "other\n");
  ASSERT_TRUE(store_->IngestRound(ds_, Tar("r2.tar"), "archive", "r2.tar", "", "u").ok());
  auto v1 = *store_->CreateVersion(ds_, VersionSpec{.status = "raw", .rounds = {1}}, "u");
  auto v2 = *store_->CreateVersion(ds_, VersionSpec{.status = "raw", .rounds = {2}}, "u");
  auto d = *store_->DiffVersions(v1, v2);
  ASSERT_EQ(d.renamed.size(), 1u);
  EXPECT_EQ(d.renamed[0].first, "a.txt");
  EXPECT_EQ(d.renamed[0].second, "renamed.txt");
  EXPECT_TRUE(d.delta.added.empty() && d.delta.removed.empty());
}

TEST_F(DataStoreTest, BadUploadsLeaveNoRound) {
  Write("ok.txt", "fine\n");
  Write("bad.txt", std::string("caf\xe9\n", 5));
  auto r = store_->IngestRound(ds_, Tar("bad.tar"), "archive", "bad.tar", "", "u");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad.txt line 1 is not valid UTF-8"), std::string::npos) << r.status().message();
  std::ofstream(dir_ / "corrupt.tar") << "this is not a tar file at all";
  auto c = store_->IngestRound(ds_, (dir_ / "corrupt.tar").string(), "archive", "corrupt.tar", "", "u");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("corrupt.tar"), std::string::npos);
  fs::remove_all(dir_ / "src");
  fs::create_directories(dir_ / "src");
  std::string evil = (dir_ / "evil.tar").string();
  std::string cmd = "cd " + (dir_ / "src").string() + " && echo x > f && tar -cf " + evil + " --transform='s,^,../,' f";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto e = store_->IngestRound(ds_, evil, "archive", "evil.tar", "", "u");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("'../f'"), std::string::npos) << e.status().message();
  // An empty file: refused under strict ingest (nothing stored), stored by default.
  Write("empty.txt", "");
  auto strict = *store_->CreateDataset(1, "docs-strict", "language", "", false, {}, "alice", /*strict_ingest=*/true);
  EXPECT_TRUE(strict.strict_ingest);
  auto empty = store_->IngestRound(strict, Tar("empty.tar", "empty.txt"), "archive", "empty.tar", "", "u");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("empty.txt is empty"), std::string::npos);
  EXPECT_TRUE(store_->ListRounds(strict.id)->empty());
  EXPECT_TRUE(store_->ListRounds(ds_.id)->empty());
  EXPECT_TRUE(fs::is_empty(dir_ / "blobs" / "packs"));
  auto kept = store_->IngestRound(ds_, Tar("empty2.tar", "empty.txt"), "archive", "empty2.tar", "", "u");
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(kept->item_count, 1);
}

TEST_F(DataStoreTest, LargeTextsAreCheckedInPiecesWithTheirLineNumbers) {
  // Past 16 MiB an item is checked from its staged file in 1 MiB pieces: a character split
  // between two pieces is fine, a bad byte is still named by its line.
  std::string line = std::string(49, 'a') + "\n";
  std::string big;
  while (big.size() < (20u << 20)) big += line;
  big.replace((1u << 20) - 1, 3, "\xea\xb0\x80");  // '가' across the first piece boundary
  Write("big.txt", big);
  auto ok = store_->IngestRound(ds_, Tar("ok.tar"), "archive", "ok.tar", "", "u");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  std::string bad = big;
  bad[(18u << 20) + 5] = '\xff';
  Write("big.txt", bad);
  auto refused = store_->IngestRound(ds_, Tar("bad.tar"), "archive", "bad.tar", "", "u");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("big.txt line " + std::to_string(((18 << 20) + 5) / 50 + 1) + " is not valid UTF-8"),
            std::string::npos)
      << refused.status().message();
  Write("big.txt", big.substr(0, big.size() - 2) + "\xea");  // ends inside a character
  EXPECT_FALSE(store_->IngestRound(ds_, Tar("cut.tar"), "archive", "cut.tar", "", "u").ok());
  EXPECT_EQ(store_->ListRounds(ds_.id)->size(), 1u);
}

TEST_F(DataStoreTest, BundlesSampleDeterministically) {
  for (int i = 0; i < 50; ++i) Write("c" + std::to_string(i % 2) + "/f" + std::to_string(i) + ".txt", "t" + std::to_string(i) + "\n");
  ASSERT_TRUE(store_->IngestRound(ds_, Tar("r.tar"), "archive", "r.tar", "", "u").ok());
  BundleSpec spec{.rounds = {1}, .path_prefix = "c1/", .sample_size = 10, .seed = 7};
  auto b1 = *store_->CreateBundle(ds_, spec, "", "u");
  auto b2 = *store_->CreateBundle(ds_, spec, "", "u");
  EXPECT_EQ(b1.kind, "bundle");
  EXPECT_EQ(b1.item_count, 10);
  EXPECT_EQ(*store_->RoundItems(b1), *store_->RoundItems(b2));
  spec.seed = 8;
  EXPECT_NE(*store_->RoundItems(*store_->CreateBundle(ds_, spec, "", "u")), *store_->RoundItems(b1));
  std::vector<LineageNode> nodes;
  std::vector<LineageEdge> edges;
  ASSERT_TRUE(store_->Lineage(ds_, &nodes, &edges).ok());
  int bundled = 0;
  for (const auto& e : edges) bundled += e.relation == "bundled from";
  EXPECT_EQ(bundled, 3);
}

TEST_F(DataStoreTest, FsckFindsMissingContent) {
  Write("a.txt", "x\n");
  ASSERT_TRUE(store_->IngestRound(ds_, Tar("r.tar"), "archive", "r.tar", "", "u").ok());
  ASSERT_TRUE(store_->Fsck()->empty());
  for (const auto& e : fs::directory_iterator(dir_ / "blobs" / "packs"))
    if (e.path().extension() == ".pack") {
      std::ofstream f(e.path(), std::ios::binary | std::ios::in | std::ios::out);
      f.seekp(0);
      f << "Z";
    }
  auto problems = *store_->Fsck();
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].find("corrupt"), std::string::npos);
}

}  // namespace
}  // namespace moebius::data

namespace moebius::data {
namespace {

class RefineTest : public DataStoreTest {};

TEST_F(RefineTest, RowOperationsAreRecordedAndPseudonymsAreStable) {
  auto tab = *store_->CreateDataset(1, "customers", "tabular", "", true, {}, "alice");
  Write("c.csv",
        "id,name,age,score\n"
        "1,Kim,34,0.5\n"
        "1,Kim,34,0.5\n"
        "2,Lee,,0.7\n"
        "3,Park,29,0.6\n"
        "4,Choi,31,250\n"
        "5,Jung,-3,0.4\n"
        "6,Han,40,0.55\n"
        "7,Yoon,45,0.65\n");
  auto r = store_->IngestRound(tab, Tar("t.tar", "c.csv"), "archive", "t.tar", "", "u");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(store_->CreateVersion(tab, VersionSpec{.status = "raw", .rounds = {1}}, "u").ok());
  VersionSpec refine{.status = "refined", .from_version = 1};
  refine.operations = Json::parse(R"([
    {"op": "drop_duplicate_rows"},
    {"op": "drop_missing_rows", "columns": ["age"]},
    {"op": "filter_rows", "expression": "age >= 0 and age < 130"},
    {"op": "filter_outliers", "column": "score", "method": "iqr", "k": 1.5},
    {"op": "pseudonymize", "columns": ["name"]}
  ])");
  auto v = store_->CreateVersion(tab, refine, "u");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  Json derived = Json::parse(v->derived_json);
  EXPECT_EQ(derived["refine_report"][0]["rows_dropped"], 1);
  EXPECT_EQ(derived["refine_report"][1]["rows_dropped"], 1);
  EXPECT_EQ(derived["refine_report"][2]["rows_dropped"], 1);
  EXPECT_EQ(derived["refine_report"][3]["rows_dropped"], 1);
  auto items = *store_->Materialize(*v);
  std::string csv = *blobs_->Get(items[0].sha256);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "id,name,age,score");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);  // header + Kim, Park, Han, Yoon
  EXPECT_EQ(csv.find("Kim"), std::string::npos);
  EXPECT_NE(csv.find("p_"), std::string::npos);
  // The same value always gets the same pseudonym (joins across files still work).
  auto again = *store_->CreateVersion(tab, refine, "u");
  EXPECT_EQ(*store_->Materialize(again), items);
}

TEST_F(RefineTest, BadOperationsAndRaggedRowsAreRefused) {
  auto tab = *store_->CreateDataset(1, "t2", "tabular", "", false, {}, "alice");
  Write("bad.csv", "a,b\n1,2\n3\n");
  auto bad = store_->IngestRound(tab, Tar("b.tar", "bad.csv"), "archive", "b.tar", "", "u");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad.csv: line 3 has 1 fields; the header has 2"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(ValidateOperations(Json::parse(R"([{"op":"explode"}])")).ok());
  EXPECT_FALSE(ValidateOperations(Json::parse(R"([{"op":"filter_rows","expression":"age >"}])")).ok());
  EXPECT_FALSE(ValidateOperations(Json::parse(R"([{"op":"filter_outliers"}])")).ok());
  EXPECT_FALSE(ValidateOperations(Json::parse("[]")).ok());
}

// Wrong-typed arguments are kInvalidArgument naming the field (issue 11: "method": 5 used to
// escape as a JSON type error, a 500).
TEST(RefineOperationsTest, WrongTypesNameTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"([{"op":"filter_outliers","column":"a","method":5}])", "field 'operations[0].method' must be a string, got number"},
      {R"([{"op":"filter_outliers","column":"a","method":"zz"}])", "field 'operations[0].method' must be 'iqr' or 'zscore'"},
      {R"([{"op":"filter_outliers","column":"a","k":"big"}])", "field 'operations[0].k' must be a number, got string"},
      {R"([{"op":"filter_outliers","column":["a"]}])", "field 'operations[0].column' must be a string, got array"},
      {R"([{"op":"drop_duplicate_rows"},{"op":7}])", "field 'operations[1].op' must be a string, got number"},
      {R"([5])", "field 'operations[0]' must be an object, got number"},
      {R"([{"op":"normalize_text","lowercase":"yes"}])", "field 'operations[0].lowercase' must be a boolean, got string"},
      {R"([{"op":"pseudonymize","columns":[1]}])", "field 'operations[0].columns[0]' must be a string, got number"},
      {R"([{"op":"drop_missing_rows","columns":"a"}])", "field 'operations[0].columns' must be a list, got string"},
      {R"([{"op":"filter_rows","expression":{}}])", "field 'operations[0].expression' must be a string, got object"},
      {R"([{"op":"resize_images","width":"wide","height":4}])", "field 'operations[0].width' must be an integer, got string"},
      {R"([{"op":"convert_images","format":1}])", "field 'operations[0].format' must be a string, got number"},
  };
  for (const auto& [ops, message] : cases) {
    Status st = ValidateOperations(Json::parse(ops));
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << ops;
    EXPECT_NE(st.message().find(message), std::string::npos) << ops << " -> " << st.message();
  }
}

}  // namespace
}  // namespace moebius::data

namespace moebius::data {
namespace {

class TableSplitTest : public DataStoreTest {};

TEST_F(TableSplitTest, TabularVersionsSplitRowsAndRecordThemInASplitColumn) {
  auto tab = *store_->CreateDataset(1, "churn", "tabular", "", false, {}, "alice");
  std::string csv = "id,plan,churned\n";
  for (int i = 0; i < 300; ++i) csv += std::to_string(i) + "," + (i % 3 == 0 ? "pro" : "free") + "," + (i % 5 == 0 ? "yes" : "no") + "\n";
  Write("c.csv", csv);
  ASSERT_TRUE(store_->IngestRound(tab, Tar("t.tar", "c.csv"), "archive", "t.tar", "", "u").ok());
  ASSERT_TRUE(store_->CreateVersion(tab, VersionSpec{.status = "raw", .rounds = {1}}, "u").ok());
  VersionSpec split{.status = "split", .from_version = 1};
  split.split = SplitSpec{.method = "stratified", .ratios = {{"train", 0.8}, {"test", 0.2}}, .seed = 4, .label = "churned"};
  auto v = store_->CreateVersion(tab, split, "u");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  Json report = Json::parse(v->derived_json)["split_report"];
  // 60 "yes" rows and 240 "no" rows, each cut 80/20 on its own.
  EXPECT_EQ(report["classes"]["train"]["yes"], 48);
  EXPECT_EQ(report["classes"]["test"]["yes"], 12);
  EXPECT_EQ(report["classes"]["train"]["no"], 192);
  EXPECT_EQ(report["counts"]["test"], 60);
  auto items = *store_->Materialize(*v);
  ASSERT_EQ(items.size(), 1u);
  std::string out = *blobs_->Get(items[0].sha256);
  EXPECT_EQ(out.substr(0, out.find('\n')), "id,plan,churned,split");
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 301);
  EXPECT_NE(out.find("\n0,pro,yes,"), std::string::npos);  // rows keep their order and values
  // Splitting the split version again replaces the split column instead of adding another.
  VersionSpec again{.status = "split", .from_version = v->number};
  again.split = SplitSpec{.method = "kfold", .folds = 3, .seed = 1, .label = "churned"};
  auto k = store_->CreateVersion(tab, again, "u");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  std::string folds = *blobs_->Get(store_->Materialize(*k)->at(0).sha256);
  EXPECT_EQ(folds.substr(0, folds.find('\n')), "id,plan,churned,split,fold");
  // A column that does not exist is named in the error.
  VersionSpec bad{.status = "split", .from_version = 1};
  bad.split = SplitSpec{.method = "group", .seed = 1, .group_by = "customer"};
  auto b = store_->CreateVersion(tab, bad, "u");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("no column 'customer'"), std::string::npos) << b.status().message();
}

}  // namespace
}  // namespace moebius::data

namespace moebius::data {
namespace {

TEST(DictionaryTest, ParsesEntriesAndDiffsVersionsEntryByEntry) {
  EXPECT_TRUE(IsDictionaryPath("dictionary/nouns.tsv"));
  EXPECT_TRUE(IsDictionaryPath("ko.dict"));
  EXPECT_FALSE(IsDictionaryPath("texts/a.txt"));
  auto a = ParseDictionary("d.dict", "\xEF\xBB\xBF# 명사\n사과\tNNG\n배\tNNG\n\n사과\tNNP\n바나나\tNNG\r\n");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->entries.size(), 3u);
  EXPECT_EQ(a->entries.at("사과"), "NNG");  // the first occurrence wins
  EXPECT_EQ(a->duplicate_lines, std::vector<size_t>{5});
  EXPECT_EQ(a->entries.at("바나나"), "NNG");
  auto b = *ParseDictionary("d.dict", "사과\tNNP\n바나나\tNNG\n포도\tNNG\n");
  DictionaryDiff d = DiffDictionaries("d.dict", *a, b);
  EXPECT_EQ(d.added, std::vector<std::string>{"포도"});
  EXPECT_EQ(d.removed, std::vector<std::string>{"배"});
  ASSERT_EQ(d.changed.size(), 1u);
  EXPECT_EQ(d.changed[0].first, "사과");
  EXPECT_EQ(d.changed[0].second, std::make_pair(std::string("NNG"), std::string("NNP")));
  auto bad = ParseDictionary("d.dict", "ok\tx\n\tNNG\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("d.dict line 2 has an empty term"), std::string::npos);
  EXPECT_FALSE(ParseDictionary("d.dict", "caf\xe9\n").ok());
}

}  // namespace
}  // namespace moebius::data
