#include "app/demo.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <thread>

#include "auth/auth_service.h"
#include "base/log.h"
#include "base/strings.h"
#include "cli/archive_io.h"
#include "cli/rest_client.h"

namespace moebius::app {
namespace {

namespace fs = std::filesystem;
using cli::RestClient;

constexpr const char* kProject = "/api/v1/projects/demo";
// Named as the trainer logs them (eval/metric_names.h): `test.f1` is the f1 of the trainer's
// evaluation "test" (logged as test_f1), perf.latency_p99_ms its serving measurement.
constexpr const char* kCriteria = "test.f1 >= 0.7 and perf.latency_p99_ms <= 50";

// A churn table with a known signal, seeded: rows [first, first + n) of the same population.
std::string ChurnCsv(int first, int n) {
  std::string csv = "tenure_months,contract_months,monthly_charges,support_calls,region,churned\n";
  const int contracts[] = {1, 12, 24};  // month-to-month, one year, two years
  const char* regions[] = {"north", "south", "east", "west"};
  for (int i = first; i < first + n; ++i) {
    std::mt19937_64 rng(20261207ULL * 1000003ULL + static_cast<uint64_t>(i));
    std::uniform_real_distribution<double> u(0, 1);
    int tenure = 1 + static_cast<int>(u(rng) * 72);
    int contract = u(rng) < 0.55 ? 0 : (u(rng) < 0.6 ? 1 : 2);
    double charges = std::round((20 + u(rng) * 100) * 100) / 100;
    int calls = static_cast<int>(std::floor(-std::log(1 - u(rng)) * 1.6));
    const char* region = regions[static_cast<int>(u(rng) * 4) % 4];
    double logit = 0.4 - 0.07 * tenure + (contract == 0 ? 2.2 : contract == 2 ? -1.5 : 0.0) + 0.55 * calls + 0.025 * (charges - 60);
    bool churned = u(rng) < 1 / (1 + std::exp(-logit));
    char line[160];
    std::snprintf(line, sizeof(line), "%d,%d,%.2f,%d,%s,%s\n", tenure, contracts[contract], charges, calls, region, churned ? "yes" : "no");
    csv += line;
  }
  return csv;
}

bool IsNotFound(const Status& st) { return st.code() == StatusCode::kNotFound; }

class Demo {
 public:
  Demo(DemoContext& ctx, RestClient& c) : ctx_(ctx), c_(c) {}

  Status Run() {
    const std::vector<std::pair<const char*, std::function<Status()>>> steps = {
        {"project and task", [this] { return ProjectAndTask(); }},
        {"dataset rounds", [this] { return DatasetRounds(); }},
        {"versions and split", [this] { return Versions(); }},
        {"XGBoost study", [this] { return Study(); }},
        {"confirmation", [this] { return Confirm(); }},
        {"registration and model card", [this] { return Register(); }},
        {"Triton repository", [this] { return Export(); }},
        {"staging and production request", [this] { return Request(); }},
        {"deployment, canary and first requests", [this] { return Deploy(); }},
    };
    for (size_t i = 0; i < steps.size(); ++i) {
      if (ctx_.stop) return Status::Ok();
      Say("[" + std::to_string(i + 1) + "/" + std::to_string(steps.size()) + "] " + steps[i].first);
      Status st = steps[i].second();
      if (!st.ok()) return Status(st.code(), std::string(steps[i].first) + ": " + st.message());
    }
    Say("done: open the project 'demo' — its model 'churn' waits for approval in /approvals");
    return Status::Ok();
  }

 private:
  void Say(const std::string& text) {
    std::printf("demo: %s\n", text.c_str());
    std::fflush(stdout);
    log::Info("demo: " + text);
  }

  // Waits up to `seconds` for `done` (which may fail), checking every second and on shutdown.
  Status WaitFor(int seconds, const std::function<Result<bool>()>& done) {
    for (int i = 0; i < seconds && !ctx_.stop; ++i) {
      ASSIGN_OR_RETURN(bool ok, done());
      if (ok) return Status::Ok();
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    return ctx_.stop ? Status::Ok() : Unavailable("gave up after " + std::to_string(seconds) + " s");
  }

  Status ProjectAndTask() {
    auto p = c_.Get(kProject);
    if (!p.ok() && IsNotFound(p.status())) {
      RETURN_IF_ERROR(c_.Post("/api/v1/projects", Json{{"name", "demo"},
                                                      {"display_name", "Demo: customer churn"},
                                                      {"description", "The whole loop on a generated churn table, run through the API by `moebius server --demo`."}})
                          .status());
    } else {
      RETURN_IF_ERROR(p.status());
    }
    ASSIGN_OR_RETURN(Json exps, c_.Get(std::string(kProject) + "/experiments"));
    bool have_experiment = false;
    for (const Json& e : exps.value("experiments", Json::array())) have_experiment |= e.value("name", "") == "churn";
    if (!have_experiment) RETURN_IF_ERROR(c_.Post(std::string(kProject) + "/experiments", Json{{"name", "churn"}}).status());
    auto t = c_.Get(std::string(kProject) + "/tasks/churn");
    if (t.ok()) return Status::Ok();
    if (!IsNotFound(t.status())) return t.status();
    return c_.Post(std::string(kProject) + "/tasks", Json{{"name", "churn"},
                                                         {"domain", "tabular"},
                                                         {"problem_type", "classification"},
                                                         {"primary_metric", "test.f1"},
                                                         {"metrics", {"test.f1", "test.accuracy", "test.roc_auc", "perf.latency_p99_ms"}},
                                                         {"acceptance_criteria", kCriteria},
                                                         {"description", "Predict which customers leave within 90 days, so retention can call them first."}})
        .status();
  }

  Status DatasetRounds() {
    std::string ds = std::string(kProject) + "/datasets/customers";
    auto d = c_.Get(ds);
    if (!d.ok() && IsNotFound(d.status())) {
      RETURN_IF_ERROR(c_.Post(std::string(kProject) + "/datasets", Json{{"name", "customers"},
                                                                       {"domain", "tabular"},
                                                                       {"description", "Generated customers with a known churn signal (seeded)."}})
                          .status());
    } else {
      RETURN_IF_ERROR(d.status());
    }
    ASSIGN_OR_RETURN(Json now, c_.Get(ds));
    size_t have = now.value("rounds", Json::array()).size();
    const std::pair<const char*, std::pair<int, int>> batches[] = {{"customers-2026-10.csv", {0, 2000}}, {"customers-2026-11.csv", {2000, 1000}}};
    for (size_t i = have; i < 2; ++i) {
      ASSIGN_OR_RETURN(Json up, c_.Post(ds + "/uploads", Json::object()));
      std::string id = up["upload"]["id"].get<std::string>();
      RETURN_IF_ERROR(c_.PutBytes(ds + "/uploads/" + id + "/parts/1", ChurnCsv(batches[i].second.first, batches[i].second.second)).status());
      RETURN_IF_ERROR(c_.Post(ds + "/uploads/" + id + "/complete",
                              Json{{"format", "file"}, {"filename", batches[i].first}, {"note", "monthly export " + std::to_string(i + 1)}})
                          .status());
      Say("  round " + std::to_string(i + 1) + ": " + batches[i].first);
    }
    return Status::Ok();
  }

  Status Versions() {
    std::string ds = std::string(kProject) + "/datasets/customers";
    ASSIGN_OR_RETURN(Json now, c_.Get(ds));
    size_t have = now.value("versions", Json::array()).size();
    if (have < 1) RETURN_IF_ERROR(c_.Post(ds + "/versions", Json{{"status", "raw"}, {"rounds", {1, 2}}, {"message", "both monthly exports"}}).status());
    if (have < 2)
      RETURN_IF_ERROR(c_.Post(ds + "/versions", Json{{"status", "split"},
                                                    {"from_version", "v1"},
                                                    {"message", "stratified 70/15/15 on churned"},
                                                    {"split", {{"method", "stratified"},
                                                               {"ratios", {{"train", 0.7}, {"val", 0.15}, {"test", 0.15}}},
                                                               {"seed", 7},
                                                               {"label", "churned"}}}})
                          .status());
    return Status::Ok();
  }

  Result<Json> FindStudy() {
    ASSIGN_OR_RETURN(Json list, c_.Get(std::string(kProject) + "/studies"));
    for (const Json& s : list.value("studies", Json::array()))
      if (s.value("name", "") == "churn-xgb") return s;
    return Json(nullptr);
  }

  Status Study() {
    ASSIGN_OR_RETURN(Json s, FindStudy());
    if (s.is_null()) {
      Json body{{"name", "churn-xgb"},
                {"experiment", "churn"},
                {"objective", {{"metric", "valid_score"}, {"goal", "minimize"}}},
                {"algorithms", {{{"name", "gbdt"},
                                 {"trainer", "xgboost"},
                                 {"args", {{"label", "churned"},
                                           {"task", "binary"},
                                           {"features", {"tenure_months", "contract_months", "monthly_charges", "support_calls"}},
                                           {"rounds", 80},
                                           {"early_stopping", 10},
                                           {"perf", true}}},
                                 {"space", {{{"name", "eta"}, {"type", "float"}, {"low", 0.05}, {"high", 0.4}, {"log", true}},
                                            {{"name", "max_depth"}, {"type", "int"}, {"low", 2}, {"high", 6}}}}}}},
                {"sampler", {{"type", "tpe"}, {"seed", 7}}},
                {"n_trials", 4},
                {"parallelism", 1},
                {"trial", {{"data", {{{"dataset", "customers"}, {"version", 2}}}}, {"resources", {{"cpus", 1}}}, {"max_attempts", 1}}}};
      ASSIGN_OR_RETURN(Json created, c_.Post(std::string(kProject) + "/studies", body));
      s = created["study"];
    }
    int64_t id = s["id"].get<int64_t>();
    int64_t last = -1;
    return WaitFor(900, [&]() -> Result<bool> {
      ASSIGN_OR_RETURN(Json now, c_.Get("/api/v1/studies/" + std::to_string(id)));
      const Json& st = now["study"];
      int64_t done = st.value("trial_counts", Json::object()).value("complete", int64_t{0});
      if (done != last) {
        Say("  study churn-xgb: " + std::to_string(done) + "/4 trials complete");
        last = done;
      }
      std::string state = st.value("state", "");
      if (state == "failed" || state == "stopped") return Internal("study churn-xgb ended " + state);
      return state == "completed";
    });
  }

  Result<std::string> BestRun() {
    ASSIGN_OR_RETURN(Json s, FindStudy());
    if (s.is_null()) return FailedPrecondition("the study is missing");
    ASSIGN_OR_RETURN(Json now, c_.Get("/api/v1/studies/" + std::to_string(s["id"].get<int64_t>())));
    const Json& best = now["study"]["best_trial"];
    if (!best.is_object()) return FailedPrecondition("the study has no best trial");
    return best["run_id"].get<std::string>();
  }

  Result<int64_t> PackageOf(const std::string& run) {
    ASSIGN_OR_RETURN(Json pkgs, c_.Get(std::string(kProject) + "/packages"));
    for (const Json& p : pkgs.value("packages", Json::array()))
      if (p.value("run_id", "") == run) return p["id"].get<int64_t>();
    return int64_t{0};
  }

  Status Confirm() {
    if (ctx_.stop) return Status::Ok();
    ASSIGN_OR_RETURN(std::string run, BestRun());
    ASSIGN_OR_RETURN(int64_t pkg, PackageOf(run));
    if (pkg > 0) return Status::Ok();
    auto out = c_.Post("/api/v1/runs/" + run + "/confirm", Json{{"task", "churn"}});
    RETURN_IF_ERROR(out.status());
    Say("  run " + run.substr(0, 8) + " confirmed: package " + std::to_string((*out)["package"]["id"].get<int64_t>()));
    return Status::Ok();
  }

  Result<Json> Version() {
    auto m = c_.Get("/api/v1/models/churn");
    if (!m.ok() && IsNotFound(m.status())) return Json(nullptr);
    RETURN_IF_ERROR(m.status());
    const Json& vs = (*m)["versions"];
    return vs.empty() ? Json(nullptr) : vs.back();  // the first version (newest first)
  }

  Status Register() {
    if (ctx_.stop) return Status::Ok();
    ASSIGN_OR_RETURN(Json v, Version());
    if (v.is_null()) {
      ASSIGN_OR_RETURN(std::string run, BestRun());
      ASSIGN_OR_RETURN(int64_t pkg, PackageOf(run));
      ASSIGN_OR_RETURN(Json made, c_.Post(std::string(kProject) + "/models/churn/versions",
                                          Json{{"package_id", pkg}, {"path", "model"}, {"description", "Best trial of study churn-xgb"}}));
      v = made["version"];
      Say("  registered churn version " + std::to_string(v["version"].get<int64_t>()));
    }
    std::string card = "/api/v1/models/churn/versions/" + std::to_string(v["version"].get<int64_t>()) + "/card";
    ASSIGN_OR_RETURN(Json current, c_.Get(card));
    for (const Json& s : current["card"]["sections"])
      if (s.value("key", "") == "intended_use" && !s.value("text", "").empty()) return Status::Ok();
    return c_.Put(card, Json{{"sections",
                             {{"intended_use", "Rank this month's customers by churn risk so the retention team calls the riskiest first. "
                                               "Not for pricing or credit decisions."},
                              {"factors", "Contract type and region: check the slices of the evaluation before each release."},
                              {"ethical_considerations", "Generated data: no real customer is described. On real data, keep protected "
                                                         "attributes out of the features and review errors by group."},
                              {"caveats_recommendations", "Trained on two monthly exports; retrain when the churn rate or the contract mix "
                                                          "moves, and compare with the production model before promoting."}}}})
        .status();
  }

  Status Export() {
    if (ctx_.stop) return Status::Ok();
    ASSIGN_OR_RETURN(Json v, Version());
    if (v.is_null()) return FailedPrecondition("model churn has no version");
    fs::path dir = fs::path(ctx_.data_dir) / "demo" / "triton";
    if (fs::exists(dir / "moebius-repository.json")) return Status::Ok();
    fs::create_directories(dir.parent_path());
    std::string tar = (dir.parent_path() / "churn-triton.tar").string();
    RETURN_IF_ERROR(c_.GetToFile("/api/v1/models/churn/versions/" + std::to_string(v["version"].get<int64_t>()) + "/export", tar, 1LL << 32).status());
    ASSIGN_OR_RETURN(int64_t files, cli::ExtractTarFile(tar, dir.string()));
    Say("  wrote " + dir.string() + " (" + std::to_string(files) + " files; `moebius package verify " + dir.string() + "`)");
    return Status::Ok();
  }

  Status Request() {
    if (ctx_.stop) return Status::Ok();
    ASSIGN_OR_RETURN(Json v, Version());
    if (v.is_null()) return FailedPrecondition("model churn has no version");
    std::string n = std::to_string(v["version"].get<int64_t>());
    if (v.value("stage", "") == "development")
      RETURN_IF_ERROR(c_.Post("/api/v1/models/churn/versions/" + n + "/stage",
                              Json{{"stage", "staging"}, {"reason", "confirmed against the task's criteria"}})
                          .status());
    ASSIGN_OR_RETURN(Json list, c_.Get("/api/v1/approvals?project=demo"));
    for (const Json& q : list.value("requests", Json::array()))
      if (q.value("model", "") == "churn") return Status::Ok();
    return c_.Post("/api/v1/models/churn/versions/" + n + "/requests",
                   Json{{"stage", "production"}, {"reason", "Best of study churn-xgb; passes " + std::string(kCriteria) + "."}})
        .status();
  }

  // The study's runner-up as a second version (registered from its run's artifact folder): the
  // challenger the staging canary tries.
  Result<Json> Challenger(const Json& first) {
    ASSIGN_OR_RETURN(Json m, c_.Get("/api/v1/models/churn"));
    for (const Json& v : m["versions"])
      if (v["version"] != first["version"]) return v;
    ASSIGN_OR_RETURN(Json s, FindStudy());
    if (s.is_null()) return FailedPrecondition("the study is missing");
    ASSIGN_OR_RETURN(Json now, c_.Get("/api/v1/studies/" + std::to_string(s["id"].get<int64_t>())));
    ASSIGN_OR_RETURN(Json trials, c_.Get("/api/v1/studies/" + std::to_string(s["id"].get<int64_t>()) + "/trials"));
    std::string best = now["study"]["best_trial"].value("run_id", "");
    const Json* pick = nullptr;  // lowest valid_score after the best (the study minimizes it)
    for (const Json& t : trials["trials"])
      if (t.value("state", "") == "complete" && t["value"].is_number() && t.value("run_id", "") != best &&
          (!pick || t["value"].get<double>() < (*pick)["value"].get<double>()))
        pick = &t;
    if (!pick) return FailedPrecondition("the study has no second completed trial");
    ASSIGN_OR_RETURN(Json made, c_.Post(std::string(kProject) + "/models/churn/versions",
                                        Json{{"run_id", (*pick)["run_id"]},
                                             {"path", "model"},
                                             {"description", "Runner-up trial of study churn-xgb: the staging canary's challenger"}}));
    Say("  registered churn version " + std::to_string(made["version"]["version"].get<int64_t>()) + " (runner-up trial)");
    return made["version"];
  }

  // A staging deployment of the first version with capture and guardrails, the runner-up as a canary
  // at 25% beside it, and a stream of requests through the v2 endpoint (rows from the same generator
  // as the table) whose true outcome comes back as feedback: a live deployment with statistics per
  // variant.
  Status Deploy() {
    if (ctx_.stop) return Status::Ok();
    auto d = c_.Get("/api/v1/deployments/churn-staging");
    if (d.ok()) return Status::Ok();
    if (!IsNotFound(d.status())) return d.status();
    ASSIGN_OR_RETURN(Json v, Version());
    if (v.is_null()) return FailedPrecondition("model churn has no version");
    ASSIGN_OR_RETURN(Json challenger, Challenger(v));
    auto name = [](const Json& version) { return "v" + std::to_string(version["version"].get<int64_t>()); };
    RETURN_IF_ERROR(c_.Post(std::string(kProject) + "/deployments",
                            Json{{"name", "churn-staging"},
                                 {"environment", "staging"},
                                 {"description", "The confirmed churn model, for the retention team's trial"},
                                 {"variants", {{{"name", name(v)}, {"model", "churn"}, {"version", v["version"]}, {"weight", 100}}}},
                                 {"capture_rate", 1.0},
                                 {"guardrails", {{"max_error_rate", 0.05}, {"max_p99_ms", 50}, {"window_s", 60}, {"min_requests", 50}}},
                                 {"reason", "demo: staging trial"}})
                        .status());
    RETURN_IF_ERROR(c_.Post("/api/v1/deployments/churn-staging/canary",
                            Json{{"model", "churn"},
                                 {"version", challenger["version"]},
                                 {"name", name(challenger)},
                                 {"steps", {25, 50}},
                                 {"interval_s", 86400},
                                 {"reason", "demo: the runner-up on a quarter of the traffic"}})
                        .status());
    std::string csv = ChurnCsv(5000, 400);
    auto lines = Split(csv, '\n');
    int answered = 0;
    Json feedback = Json::array();
    for (size_t i = 1; i < lines.size() && !ctx_.stop; ++i) {
      auto f = Split(lines[i], ',');
      if (f.size() < 6) continue;
      std::string id = "demo-" + std::to_string(i);
      Json body{{"id", id},
                {"inputs",
                 {{{"name", "tenure_months"}, {"shape", {1}}, {"datatype", "FP64"}, {"data", {std::stod(f[0])}}},
                  {{"name", "contract_months"}, {"shape", {1}}, {"datatype", "FP64"}, {"data", {std::stod(f[1])}}},
                  {{"name", "monthly_charges"}, {"shape", {1}}, {"datatype", "FP64"}, {"data", {std::stod(f[2])}}},
                  {{"name", "support_calls"}, {"shape", {1}}, {"datatype", "FP64"}, {"data", {std::stod(f[3])}}}}}};
      RETURN_IF_ERROR(c_.Post("/v2/models/churn-staging/infer", body).status());
      ++answered;
      // The outcome is known for most customers a month later: feedback for four in five.
      if (i % 5 != 0) feedback.push_back({{"request_id", id}, {"value", {{"churned", f[5] == "yes" ? 1 : 0}}}});
    }
    RETURN_IF_ERROR(c_.Post("/api/v1/deployments/churn-staging/feedback", Json{{"feedback", feedback}}).status());
    Say("  churn-staging answered " + std::to_string(answered) + " requests at /v2/models/churn-staging/infer (" + name(challenger) +
        " as a 25% canary), " + std::to_string(feedback.size()) + " with feedback");
    return Status::Ok();
  }

  DemoContext& ctx_;
  RestClient& c_;
};

}  // namespace

Status RunDemo(DemoContext& ctx) {
  // The demo acts as the admin through the API, with a token of its own that expires in a day.
  ASSIGN_OR_RETURN(auth::User admin, ctx.services.auth.GetUser("admin"));
  ASSIGN_OR_RETURN(auth::IssuedCredential token,
                   ctx.services.auth.CreateTokenUntil(admin.id, "demo", ctx.services.clock.NowMillis() + 24LL * 3600 * 1000));
  RestClient client(ctx.base_url, token.secret);
  Demo demo(ctx, client);
  return demo.Run();
}

}  // namespace moebius::app
