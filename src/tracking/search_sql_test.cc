// Compiled searches run against the real tracking schema in an in-memory SQLite database,
// through the sqlite3 C API directly (no store layer), with fixture rows chosen so that every
// case below has exactly one right answer.
#include "tracking/search_sql.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <limits>
#include <optional>
#include <variant>

#include "tracking/page_token.h"
#include "tracking/tracking_schema.h"

namespace moebius::tracking {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

class SearchSqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    Exec("PRAGMA case_sensitive_like=ON");  // as the SQLite backend does
    for (const auto& m : TrackingMigrations()) Exec(m.sql);

    // Experiments: 1 and 2 in project 1, 3 (deleted) in project 1, 4 in project 2, 5 in project 1.
    AddExperiment(1, 1, "alpha", "active", 1000, 5000, {{"team", "x"}});
    AddExperiment(2, 1, "beta", "active", 2000, 3000, {{"team", "y"}, {"note", "50%"}});
    AddExperiment(3, 1, "Gamma", "deleted", 2000, 4000, {});
    AddExperiment(4, 2, "delta", "active", 3000, 3000, {});
    AddExperiment(5, 1, "alphabet", "active", 500, 500, {{"note", "50 percent"}});

    // Runs of experiment 1. The run id is the name, so ties broken by run_uuid read alphabetically.
    //      name start  end    status      user     acc   loss  lr        team       note
    AddRun("a", 1, 100, 150, "FINISHED", "alice", 0.9, 0.3, "0.1", "Red", "50%");
    AddRun("b", 1, 200, {}, "RUNNING", "bob", 0.7, kNaN, "0.01", "red", "50 percent");
    AddRun("c", 1, 300, 400, "FAILED", "alice", {}, 0.1, "0.1", "blue", "a_b");
    AddRun("d", 1, 400, 500, "FINISHED", "carol", 0.95, 0.2, "0.001", "blue", "axb");
    AddRun("e", 1, 500, {}, "RUNNING", "bob", kNaN, {}, "0.1", "green_x", {});
    AddRun("f", 1, 300, 350, "FINISHED", "alice", 0.9, 0.3, {}, {}, {});
    AddRun("g", 1, 600, {}, "FINISHED", "alice", 0.99, 0.01, "0.1", "blue", {}, "deleted");
    AddRun("h", 2, 50, {}, "FINISHED", "alice", 0.5, 0.5, "0.1", "blue", {});
    Exec("INSERT INTO params VALUES ('d', 'optimizer', '아담')");
    Exec("INSERT INTO run_inputs VALUES ('a', 'dataset_version', 'proj/cifar@v1', '{}')");
    Exec("INSERT INTO run_inputs VALUES ('c', 'dataset_version', 'proj/cifar@v2', '{}')");
    Exec("INSERT INTO run_inputs VALUES ('d', 'code', 'proj/cifar@v1', '{}')");
  }

  void TearDown() override {
    EXPECT_TRUE(TablesIntact());
    sqlite3_close(db_);
  }

  void Exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    ASSERT_EQ(rc, SQLITE_OK) << sql << ": " << (err ? err : "");
  }

  // Binds through the C API; the text goes in only as a bound value.
  void Insert(const std::string& sql, const std::vector<store::SqlValue>& params) {
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    Bind(st, params);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE) << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(st);
  }

  static void Bind(sqlite3_stmt* st, const std::vector<store::SqlValue>& params) {
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i) + 1;
      const store::SqlValue& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) sqlite3_bind_null(st, idx);
      else if (auto* n = std::get_if<int64_t>(&v)) sqlite3_bind_int64(st, idx, *n);
      else if (auto* d = std::get_if<double>(&v)) sqlite3_bind_double(st, idx, *d);
      else if (auto* s = std::get_if<std::string>(&v)) sqlite3_bind_text(st, idx, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      else {
        const auto& b = std::get<store::Blob>(v).bytes;
        sqlite3_bind_blob(st, idx, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
      }
    }
  }

  void AddExperiment(int64_t id, int64_t project, const std::string& name, const std::string& stage, int64_t created,
                     int64_t updated, const std::vector<std::pair<std::string, std::string>>& tags) {
    Insert("INSERT INTO experiments VALUES (?, ?, ?, ?, ?, ?, ?)",
           {id, project, name, std::string("file:///art/") + std::to_string(id), stage, created, updated});
    for (const auto& [k, v] : tags) Insert("INSERT INTO experiment_tags VALUES (?, ?, ?)", {id, k, v});
  }

  void AddMetric(const std::string& run, const std::string& key, double value) {
    bool nan = std::isnan(value);
    // NaN is stored as the backend stores it: value 0, is_nan 1.
    Insert("INSERT INTO latest_metrics VALUES (?, ?, 0, 0, ?, ?)", {run, key, nan ? 0.0 : value, int64_t{nan ? 1 : 0}});
  }

  void AddRun(const std::string& id, int64_t exp, int64_t start, std::optional<int64_t> end, const std::string& status,
              const std::string& user, std::optional<double> acc, std::optional<double> loss, std::optional<std::string> lr,
              std::optional<std::string> team, std::optional<std::string> note, const std::string& stage = "active") {
    Insert("INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, "
           "artifact_uri) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {id, exp, id, user, status, start, end ? store::SqlValue(*end) : store::SqlValue(nullptr), stage,
            "file:///art/" + std::to_string(exp) + "/" + id + "/artifacts"});
    if (acc) AddMetric(id, "acc", *acc);
    if (loss) AddMetric(id, "loss", *loss);
    if (lr) Insert("INSERT INTO params VALUES (?, 'lr', ?)", {id, *lr});
    if (team) Insert("INSERT INTO tags VALUES (?, 'team', ?)", {id, *team});
    if (note) Insert("INSERT INTO tags VALUES (?, 'note', ?)", {id, *note});
  }

  // Runs the compiled query and returns column 0 of every row, joined by `sep`.
  std::string Run(const CompiledQuery& q, const char* sep) {
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(db_, q.sql.c_str(), -1, &st, nullptr);
    if (rc != SQLITE_OK) {
      ADD_FAILURE() << q.sql << ": " << sqlite3_errmsg(db_);
      return "<sql error>";
    }
    EXPECT_EQ(sqlite3_bind_parameter_count(st), static_cast<int>(q.params.size())) << q.sql;
    Bind(st, q.params);
    std::string out;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (!out.empty()) out += sep;
      out += reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return out;
  }

  // No quoted text in the statement but the compiler's own constants: user text is only bound.
  static void ExpectOnlyFixedLiterals(const std::string& sql) {
    std::string s = sql;
    for (const char* fixed : {"'active'", "'deleted'", "'dataset_version'", "'\\'"}) {
      for (size_t at; (at = s.find(fixed)) != std::string::npos;) s.erase(at, std::string(fixed).size());
    }
    EXPECT_EQ(s.find('\''), std::string::npos) << sql;
    EXPECT_EQ(s.find(';'), std::string::npos) << sql;
    EXPECT_EQ(s.find("--"), std::string::npos) << sql;
  }

  // Names of the matching runs in order, or "error: <message>".
  std::string Runs(const std::string& filter, std::vector<std::string> order_by = {}, std::vector<int64_t> exps = {1},
                   const std::string& view = "ACTIVE_ONLY") {
    RunSearchRequest r;
    r.experiment_ids = std::move(exps);
    r.filter = filter;
    r.order_by = std::move(order_by);
    r.view_type = view;
    auto q = CompileRunSearch(r);
    if (!q.ok()) {
      EXPECT_EQ(q.status().code(), StatusCode::kInvalidArgument);
      return "error: " + q.status().message();
    }
    ExpectOnlyFixedLiterals(q->sql);
    return Run(*q, "");
  }

  std::string Experiments(const std::string& filter, std::vector<std::string> order_by = {},
                          std::vector<int64_t> projects = {1}, const std::string& view = "ACTIVE_ONLY") {
    ExperimentSearchRequest r;
    r.project_ids = std::move(projects);
    r.filter = filter;
    r.order_by = std::move(order_by);
    r.view_type = view;
    auto q = CompileExperimentSearch(r);
    if (!q.ok()) {
      EXPECT_EQ(q.status().code(), StatusCode::kInvalidArgument);
      return "error: " + q.status().message();
    }
    ExpectOnlyFixedLiterals(q->sql);
    return Run(*q, ",");
  }

  bool TablesIntact() {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT COUNT(*) FROM runs", -1, &st, nullptr) != SQLITE_OK) return false;
    bool ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == 8;
    sqlite3_finalize(st);
    return ok;
  }

  sqlite3* db_ = nullptr;
};

TEST_F(SearchSqlTest, Filters) {
  struct Case {
    const char* filter;
    const char* runs;
  } cases[] = {
      {"", "edcfba"},  // default order: start_time DESC, then run_uuid (c and f start together)
      // metrics (latest values); NaN never matches, runs without the metric never match
      {"metrics.acc > 0.8", "dfa"},
      {"metrics.acc != 0.9", "db"},
      {"metrics.acc = 0", ""},  // e's NaN is stored as 0 and still does not match
      {"metrics.acc < 1e9", "dfba"},
      {"metrics.acc > -1e3 and metrics.loss <= 0.2", "d"},
      {"metrics.loss <= 0.3", "dcfa"},
      {"metrics.acc >= 0.9 and metrics.loss < 0.25", "d"},
      {"metrics.nope > 0", ""},
      // params and tags: = != on runs that have the key; LIKE is case-sensitive, ILIKE not
      {"params.lr = '0.1'", "eca"},
      {"params.lr != '0.1'", "db"},
      {"params.lr IN ('0.01', '0.001')", "db"},
      {"params.lr NOT IN ('0.01')", "edca"},
      {"params.optimizer = '아담'", "d"},
      {"tags.team LIKE 'r%'", "b"},
      {"tags.team ILIKE 'R%'", "ba"},
      {"tags.team LIKE '%e'", "dc"},
      {"tags.team = 'RED'", ""},
      {"tags.note LIKE '50%'", "ba"},
      {"tags.note LIKE '50\\%'", "a"},  // a backslash escapes % and _
      {"tags.note LIKE 'a_b'", "dc"},
      {"tags.note LIKE 'a\\_b'", "c"},
      {"tags.team LIKE 'green\\_x'", "e"},
      {"tags.team = 'blue' and metrics.acc > 0.9 and params.lr = '0.001'", "d"},
      // attributes
      {"attributes.run_name = 'c'", "c"},
      {"run_name IN ('a', 'c')", "ca"},
      {"attributes.`run name` = 'b'", "b"},
      {"attributes.status = 'RUNNING'", "eb"},
      {"status != 'RUNNING'", "dcfa"},
      {"attributes.status ILIKE 'run%'", "eb"},
      {"attributes.start_time >= 300", "edcf"},
      {"attributes.created < 200", "a"},
      {"attributes.end_time > 0", "dcfa"},  // runs without an end time never match
      {"attributes.end_time != 150", "dcf"},
      {"attributes.user_id = 'alice' and params.lr = '0.1'", "ca"},
      {"attributes.run_id = 'c'", "c"},
      {"attributes.run_id IN ('a', 'd', 'zz')", "da"},
      {"attributes.artifact_uri LIKE '%/c/%'", "c"},
      // datasets: the data versions a run read
      {"datasets.name = 'proj/cifar@v1'", "a"},  // d's input of kind 'code' is not a dataset
      {"datasets.name LIKE 'proj/cifar@%'", "ca"},
      {"datasets.name != 'proj/cifar@v1'", "c"},
      // text that looks like SQL is just a value
      {"params.lr = ''' OR 1=1 --'", ""},
      {"tags.team = 'x''; DROP TABLE runs; --'", ""},
      {"params.`lr' OR '1'='1` = '0.1'", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(Runs(c.filter), c.runs) << c.filter;
}

TEST_F(SearchSqlTest, OrderBy) {
  struct Case {
    std::vector<std::string> order_by;
    const char* runs;
  } cases[] = {
      // values in order, then NaN (e), then runs without the metric (c), in both directions;
      // ties (a and f at 0.9) fall back to start_time DESC, then run_uuid
      {{"metrics.acc DESC"}, "dfabec"},
      {{"metrics.acc ASC"}, "bfadec"},
      {{"metrics.acc"}, "bfadec"},
      {{"metrics.loss DESC"}, "fadcbe"},
      {{"metrics.loss ASC"}, "cdfabe"},
      {{"metrics.acc DESC", "metrics.loss ASC"}, "dfabec"},
      {{"metrics.nope DESC"}, "edcfba"},
      // strings sort by bytes: "0.001" < "0.01" < "0.1"; "Red" < "blue" < "green_x" < "red"
      {{"params.lr ASC", "attributes.run_name DESC"}, "dbecaf"},
      {{"params.lr DESC"}, "ecabdf"},
      {{"tags.team"}, "adcebf"},
      {{"tags.`team` DESC"}, "bedcaf"},
      // attributes; runs without an end time last in both directions
      {{"attributes.start_time ASC"}, "abcfde"},
      {{"attributes.start_time DESC"}, "edcfba"},
      {{"created ASC"}, "abcfde"},
      {{"attributes.end_time ASC"}, "afcdeb"},
      {{"attributes.end_time DESC"}, "dcfaeb"},
      {{"attributes.run_id DESC"}, "fedcba"},
      {{"run_name"}, "abcdef"},
      {{"attributes.status", "attributes.user_id DESC"}, "cdfaeb"},
  };
  for (const auto& c : cases) {
    std::string label;
    for (const auto& o : c.order_by) label += o + "; ";
    EXPECT_EQ(Runs("", c.order_by), c.runs) << label;
  }
  EXPECT_EQ(Runs("metrics.acc > 0", {"metrics.acc DESC"}), "dfab");
  EXPECT_EQ(Runs("params.lr = '0.1'", {"metrics.loss DESC", "tags.team"}), "ace");
}

TEST_F(SearchSqlTest, ExperimentsAndViewTypes) {
  EXPECT_EQ(Runs("", {}, {1}, "DELETED_ONLY"), "g");
  EXPECT_EQ(Runs("", {}, {1}, "ALL"), "gedcfba");
  EXPECT_EQ(Runs("metrics.acc > 0.9", {}, {1}, "ALL"), "gd");
  EXPECT_EQ(Runs("", {}, {1, 2}), "edcfbah");
  EXPECT_EQ(Runs("", {}, {2}), "h");
  EXPECT_EQ(Runs("", {}, {3}), "");
}

TEST_F(SearchSqlTest, PagingIsStableAndComplete) {
  struct Case {
    std::vector<std::string> order_by;
    int64_t page_size;
    std::vector<std::string> pages;
  } cases[] = {
      {{}, 4, {"edcf", "ba"}},
      {{}, 2, {"ed", "cf", "ba"}},
      {{"metrics.acc DESC"}, 2, {"df", "ab", "ec"}},
      {{"metrics.acc DESC"}, 6, {"dfabec"}},
      {{"tags.team DESC"}, 5, {"bedca", "f"}},
      {{}, 1, {"e", "d", "c", "f", "b", "a"}},
  };
  for (const auto& c : cases) {
    RunSearchRequest r;
    r.experiment_ids = {1};
    r.order_by = c.order_by;
    r.max_results = c.page_size;
    std::vector<std::string> pages;
    for (int guard = 0; guard < 10; ++guard) {
      auto q = CompileRunSearch(r);
      ASSERT_TRUE(q.ok()) << q.status().ToString();
      EXPECT_EQ(q->limit, c.page_size);
      std::string rows = Run(*q, "");
      // The statement fetches one row more than a page to tell whether another page follows.
      bool more = static_cast<int64_t>(rows.size()) > q->limit;
      ASSERT_LE(static_cast<int64_t>(rows.size()), q->limit + 1);
      pages.push_back(rows.substr(0, static_cast<size_t>(q->limit)));
      if (!more) break;
      r.page_token = EncodePageToken(q->offset + q->limit);
    }
    EXPECT_EQ(pages, c.pages) << c.page_size;
  }
}

TEST_F(SearchSqlTest, ExperimentSearch) {
  struct Case {
    const char* filter;
    std::vector<std::string> order_by;
    std::vector<int64_t> projects;
    const char* view;
    const char* ids;
  } cases[] = {
      // default: creation_time DESC, then experiment_id ASC
      {"", {}, {1}, "ACTIVE_ONLY", "2,1,5"},
      {"", {}, {1}, "ALL", "2,3,1,5"},
      {"", {}, {1}, "DELETED_ONLY", "3"},
      {"", {}, {1, 2}, "ACTIVE_ONLY", "4,2,1,5"},
      {"", {}, {2}, "ACTIVE_ONLY", "4"},
      {"", {}, {}, "ALL", ""},  // a caller who sees no project sees no experiment
      // explicit order: ties broken by experiment_id DESC, as MLflow does
      {"", {"creation_time DESC"}, {1}, "ALL", "3,2,1,5"},
      {"", {"name"}, {1}, "ALL", "3,1,5,2"},  // "Gamma" < "alpha": bytes
      {"", {"name DESC"}, {1}, "ACTIVE_ONLY", "2,5,1"},
      {"", {"last_update_time ASC"}, {1}, "ACTIVE_ONLY", "5,2,1"},
      {"", {"experiment_id DESC"}, {1}, "ACTIVE_ONLY", "5,2,1"},
      {"", {"attributes.experiment_id"}, {1}, "ACTIVE_ONLY", "1,2,5"},
      // filters
      {"name LIKE 'alpha%'", {}, {1}, "ACTIVE_ONLY", "1,5"},
      {"name = 'alpha'", {}, {1}, "ACTIVE_ONLY", "1"},
      {"attributes.name != 'beta'", {}, {1}, "ACTIVE_ONLY", "1,5"},
      {"name IN ('beta', 'delta')", {}, {1, 2}, "ACTIVE_ONLY", "4,2"},
      {"name ILIKE 'GAMMA'", {}, {1}, "ALL", "3"},
      {"name LIKE 'gamma'", {}, {1}, "ALL", ""},
      {"tags.team = 'y'", {}, {1}, "ACTIVE_ONLY", "2"},
      {"tag.team != 'y'", {}, {1}, "ACTIVE_ONLY", "1"},  // experiments without the tag never match
      {"tags.note LIKE '50\\%'", {}, {1}, "ACTIVE_ONLY", "2"},
      {"tags.note LIKE '50%'", {}, {1}, "ACTIVE_ONLY", "2,5"},
      {"creation_time >= 1000 and last_update_time < 5000", {}, {1}, "ACTIVE_ONLY", "2"},
      {"name = 'delta'", {}, {1}, "ACTIVE_ONLY", ""},  // in a project the caller cannot see
      {"name = 'x'' OR 1=1 --'", {}, {1}, "ALL", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(Experiments(c.filter, c.order_by, c.projects, c.view), c.ids) << c.filter;

  ExperimentSearchRequest r;
  r.project_ids = {1, 2};
  r.max_results = 3;
  auto first = CompileExperimentSearch(r);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Run(*first, ","), "4,2,1,5");  // limit + 1 rows: a next page exists
  r.page_token = EncodePageToken(3);
  auto second = CompileExperimentSearch(r);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Run(*second, ","), "5");
}

TEST_F(SearchSqlTest, RejectsBadRequests) {
  struct Case {
    const char* filter;
    std::vector<std::string> order_by;
    const char* message_part;
  } cases[] = {
      {"metrics.a > 1; DROP TABLE runs", {}, "unexpected character ';'"},
      {"params.x = '' OR 1=1 --", {}, "OR is not supported"},
      {"metrics.acc > 0 UNION SELECT run_uuid FROM runs", {}, "expected AND or the end"},
      {"", {"metrics.acc DESC; DROP TABLE runs"}, "unexpected character ';'"},
      {"", {"metrics.acc", "metrics.acc DESC"}, "order_by contains duplicate fields: 'metrics.acc DESC' repeats metrics.acc"},
      {"", {"created", "attributes.start_time DESC"}, "duplicate fields"},
      {"", {"datasets.name"}, "runs cannot be ordered by datasets"},
      {"datasets.digest = 'abc'", {}, "datasets.digest is not recorded by this server"},
      {"tags.note LIKE 'ends with \\\\'", {}, "ends with the escape character"},
      {"tags.note ILIKE '\\\\'", {}, "ends with the escape character"},
  };
  for (const auto& c : cases) {
    std::string got = Runs(c.filter, c.order_by);
    EXPECT_EQ(got.rfind("error: ", 0), 0u) << c.filter << " -> " << got;
    EXPECT_NE(got.find(c.message_part), std::string::npos) << c.filter << " -> " << got;
  }
  EXPECT_EQ(Runs("tags.note LIKE '50\\\\\\\\%'"), "");  // an escaped backslash is fine

  std::vector<std::string> many(21, "metrics.acc");
  for (size_t i = 0; i < many.size(); ++i) many[i] = "metrics.m" + std::to_string(i);
  EXPECT_NE(Runs("", many).find("at most 20 order_by clauses"), std::string::npos);
  many.resize(20);
  EXPECT_EQ(Runs("", many), "edcfba");

  auto StatusOf = [](const RunSearchRequest& req) { return CompileRunSearch(req).status(); };
  RunSearchRequest base;
  base.experiment_ids = {1};
  RunSearchRequest r = base;
  r.max_results = 0;
  EXPECT_EQ(StatusOf(r).code(), StatusCode::kInvalidArgument);
  r.max_results = kMaxSearchResults + 1;
  EXPECT_EQ(StatusOf(r).message(), "Invalid value 50001 for parameter 'max_results' supplied. It must be between 1 and 50000");
  r.max_results = kMaxSearchResults;
  EXPECT_TRUE(StatusOf(r).ok());
  r = base;
  r.page_token = "not-a-token";
  EXPECT_EQ(StatusOf(r).code(), StatusCode::kInvalidArgument);
  r.page_token = EncodePageToken(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(StatusOf(r).code(), StatusCode::kInvalidArgument);
  r = base;
  r.view_type = "SOME";
  EXPECT_EQ(StatusOf(r).code(), StatusCode::kInvalidArgument);
  r = base;
  r.experiment_ids.clear();
  EXPECT_EQ(StatusOf(r).code(), StatusCode::kInvalidArgument);
  r.experiment_ids.assign(10001, 1);
  EXPECT_EQ(StatusOf(r).code(), StatusCode::kInvalidArgument);

  ExperimentSearchRequest e;
  e.project_ids = {1};
  e.order_by = {"tags.team"};
  EXPECT_EQ(CompileExperimentSearch(e).status().code(), StatusCode::kInvalidArgument);
  e.order_by = {};
  e.filter = "metrics.acc > 1";
  EXPECT_EQ(CompileExperimentSearch(e).status().code(), StatusCode::kInvalidArgument);
  e.filter = "";
  e.max_results = 0;
  EXPECT_EQ(CompileExperimentSearch(e).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SearchSqlTest, ParametersFollowPlaceholders) {
  RunSearchRequest r;
  r.experiment_ids = {1, 2};
  r.filter = "metrics.acc > 0.5 and attributes.status = 'FINISHED' and params.lr IN ('0.1', '0.01') and "
             "datasets.name LIKE 'proj/%' and attributes.start_time > 10";
  r.order_by = {"tags.team DESC", "metrics.loss"};
  r.max_results = 7;
  r.page_token = EncodePageToken(14);
  auto q = CompileRunSearch(r);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  // driving filters, sort joins, where (experiments, attributes, datasets), limit + 1, offset
  auto Show = [](const store::SqlValue& v) -> std::string {
    if (auto* n = std::get_if<int64_t>(&v)) return "i" + std::to_string(*n);
    if (auto* d = std::get_if<double>(&v)) return "d" + std::to_string(*d);
    if (auto* s = std::get_if<std::string>(&v)) return "s" + *s;
    return "?";
  };
  std::string got;
  for (const auto& v : q->params) got += Show(v) + " ";
  EXPECT_EQ(got, "sacc d0.500000 slr s0.1 s0.01 steam sloss i1 i2 sFINISHED sproj/% i10 i8 i14 ") << q->sql;
  EXPECT_EQ(q->offset, 14);
  EXPECT_EQ(q->limit, 7);
  EXPECT_EQ(Run(*q, ""), "");  // runs and binds cleanly (the page is past the one match)
}

}  // namespace
}  // namespace moebius::tracking
