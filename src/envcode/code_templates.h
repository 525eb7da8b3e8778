// Code templates (EXP-2): ready training code generated for the built-in trainers and for an
// external Python script, each a set of files plus a job spec (job.json) that runs them.
//
//   xgboost        job.json running `moebius train xgboost --data data/<dataset> --label <col>
//                  --task <task> --params <json> --rounds N --seed S` on a data version
//                  (payload.data), params.json, train.sh (the same command for a shell, with
//                  MOEBIUS_BIN), README.md.
//   text           job.json running `moebius train text --data data/<dataset> --text <col> --label
//                  <col> --epochs N --seed S` plus the featurizer and optimizer flags in
//                  params.json, train.sh, README.md.
//   python-mlflow  train.py: trains a small logistic regression (standard library only) and logs
//                  params, per-epoch metrics, tags and a model artifact through the MLflow-compatible
//                  REST API with urllib, from MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN and
//                  MLFLOW_RUN_ID (or a run it creates); job.json; README.md.
//
// Options (all optional): dataset, version, label, task (binary | multiclass | regression |
// ranking), rounds, text, epochs, seed, experiment. Bad values are kInvalidArgument naming the option.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "envcode/code_tree.h"

namespace moebius::envcode {

struct CodeTemplateInfo {
  std::string name;
  std::string description;
  std::vector<std::string> options;  // the options it reads
};

std::vector<CodeTemplateInfo> CodeTemplates();
// The generated files (sorted by path); kNotFound for an unknown template.
Result<std::vector<TreeFile>> RenderCodeTemplate(const std::string& name, const std::map<std::string, std::string>& options);

}  // namespace moebius::envcode
