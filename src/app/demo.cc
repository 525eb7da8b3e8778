#include "app/demo.h"

#include <cmath>
#include <random>

#include "auth/auth_service.h"
#include "project/project_service.h"
#include "tracking/tracking_store.h"

namespace moebius::app {

Status LoadDemo(api::Services& s) {
  if (s.projects.GetProject("demo").ok()) return Status::Ok();  // loaded on an earlier start
  ASSIGN_OR_RETURN(auth::User admin, s.auth.GetUser("admin"));
  ASSIGN_OR_RETURN(project::Project p,
                   s.projects.CreateProject("demo", "Demo: customer churn", "Sample project with generated runs (tag moebius.demo=true).",
                                            std::nullopt, "admin", [&](store::Tx& tx, const project::Project& created) {
                                              return s.auth.AddMemberTx(tx, created.id, admin.id, auth::Role::kProjectManager);
                                            }));
  project::TaskSpec task;
  task.name = "churn";
  task.domain = "tabular";
  task.problem_type = "classification";
  task.primary_metric = "f1";
  task.metrics = std::vector<std::string>{"f1", "accuracy", "roc_auc", "p99_latency_ms"};
  task.acceptance_criteria = "f1 >= 0.85 and p99_latency_ms <= 50";
  task.description = "Predict which customers leave within 90 days.";
  RETURN_IF_ERROR(s.projects.CreateTask(p.id, task).status());
  ASSIGN_OR_RETURN(tracking::Experiment e, s.tracking.CreateExperiment(p.id, "demo-churn-xgboost", "", {{"moebius.demo", "true"}}));

  std::mt19937_64 rng(20261122);
  std::uniform_real_distribution<double> u(0, 1);
  const double lrs[] = {0.3, 0.1, 0.05, 0.03};
  const int depths[] = {3, 6, 9};
  int64_t t0 = s.clock.NowMillis() - 12 * 3600 * 1000;
  int i = 0;
  for (double lr : lrs) {
    for (int depth : depths) {
      ++i;
      ASSIGN_OR_RETURN(tracking::Run run, s.tracking.CreateRun(e.experiment_id, "admin", "", t0 + i * 600000,
                                                               {{"moebius.demo", "true"}}));
      const std::string& id = run.info.run_id;
      double quality = 0.78 + 0.09 * std::exp(-std::fabs(lr - 0.05) * 8) + 0.01 * (depth == 6) + 0.02 * u(rng);
      std::vector<tracking::MetricPoint> points;
      for (int step = 0; step < 300; ++step) {
        double progress = 1 - std::exp(-lr * step / 3.0);
        double loss = 0.69 * (1 - progress) + (1 - quality) * 0.8 + 0.01 * u(rng);
        double val_loss = loss + 0.02 + 0.0001 * step * (depth == 9) + 0.015 * u(rng);
        int64_t ts = t0 + i * 600000 + step * 1000;
        points.push_back({"train_loss", loss, ts, step});
        points.push_back({"val_loss", val_loss, ts, step});
        if (points.size() >= 900) {
          RETURN_IF_ERROR(s.tracking.LogBatch(id, points, {}, {}));
          points.clear();
        }
      }
      int64_t end = t0 + i * 600000 + 300000;
      points.push_back({"f1", quality, end, 299});
      points.push_back({"accuracy", quality + 0.05, end, 299});
      points.push_back({"roc_auc", std::min(0.99, quality + 0.08), end, 299});
      points.push_back({"p99_latency_ms", 12.0 + depth * 4.5 + 3 * u(rng), end, 299});
      RETURN_IF_ERROR(s.tracking.LogBatch(id, points,
                                          {{"learning_rate", std::to_string(lr).substr(0, 4)},
                                           {"max_depth", std::to_string(depth)},
                                           {"n_estimators", "300"},
                                           {"booster", "gbtree"}},
                                          {}));
      RETURN_IF_ERROR(s.tracking.UpdateRun(id, tracking::RunUpdate{"FINISHED", end, std::nullopt}).status());
    }
  }
  return Status::Ok();
}

}  // namespace moebius::app
