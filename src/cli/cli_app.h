// What the CLI's command groups share: the global flags, output helpers, and CommandHost — the
// part of the App a command group in its own file (cli_jobs.cc) needs to add its commands.
//
// Thread-safety: the CLI is single-threaded.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "base/json.h"
#include "base/status.h"
#include "cli/rest_client.h"

namespace moebius::cli {

struct Globals {
  std::string server;
  std::string token;
  bool json = false;
};

// A field of a JSON object as display text ("" when absent or null).
std::string Str(const Json& j, const char* key);
// An epoch-milliseconds field as local "YYYY-MM-DD HH:MM" ("" when absent).
std::string Time(const Json& j, const char* key);
// For a criteria check ({missing, close}), one line per missing metric naming the logged metrics
// close to it ("f1: not logged by this run; close: test_f1, test_f1_macro"); "" when none is missing.
std::string MissingMetricsText(const Json& check);
// Prints either the raw JSON (--json) or the table built by `table`.
void Emit(const Globals& g, const Json& j, const std::function<void()>& table);

using Action = std::function<Status(RestClient&)>;

class CommandHost {
 public:
  virtual ~CommandHost() = default;
  // A top-level command; global flags (--server, --token, --json) may follow it.
  virtual CLI::App* Noun(const char* name, const char* help) = 0;
  virtual CLI::App* Sub(CLI::App* parent, const char* name, const char* help) = 0;
  // Registers `fn` to run with a connected client when `cmd` is chosen.
  virtual void OnRun(CLI::App* cmd, Action fn) = 0;
  // Registers `fn` to run without connecting: for commands that find their server themselves
  // (`moebius train` reads MLFLOW_TRACKING_URI) or need none.
  virtual void OnRunLocal(CLI::App* cmd, std::function<Status()> fn) = 0;
  virtual const Globals& globals() const = 0;

  // Option values live as long as the host (CLI11 writes into them at parse time).
  template <typename T>
  T* Own(T init = T()) {
    auto p = std::make_shared<T>(std::move(init));
    Keep(p);
    return p.get();
  }

 protected:
  virtual void Keep(std::shared_ptr<void> p) = 0;
};

// Reads a password from the terminal without echo, or a line from standard input.
std::string ReadPassword(bool from_stdin);

// `moebius project ...` and `moebius task ...` (cli_projects.cc).
void AddProjectCommands(CommandHost& host);
void AddTaskCommands(CommandHost& host);
// `moebius experiment ...` and `moebius run ...` (cli_runs.cc).
void AddExperimentCommands(CommandHost& host);
void AddRunCommands(CommandHost& host);
// `moebius user ...` and `moebius token ...` (cli_users.cc).
void AddUserCommands(CommandHost& host);
void AddTokenCommands(CommandHost& host);
// `moebius data ...` (cli_data.cc): datasets, rounds, versions, quality, statistics, transforms,
// splits; `data connection ...` and the analysis commands are added under the same noun.
void AddDataCommands(CommandHost& host);
void AddDataConnectionCommands(CommandHost& host, CLI::App* d);
void AddDataAnalysisCommands(CommandHost& host, CLI::App* d);

// `moebius job submit|list|show|logs|cancel` (cli_jobs.cc).
void AddJobCommands(CommandHost& host);
// `moebius train xgboost` (cli_train.cc): the built-in tabular trainer that jobs run.
void AddTrainCommands(CommandHost& host);
// `moebius train image` (cli_train_image.cc): the built-in libtorch image classifier, under `train`.
// `moebius train text` (cli_train_text.cc): the fastText-style text classifier (libtorch).
// Linked only into `moebius-torch`; `moebius` links torch_exec.cc's instead, which exec
// `moebius-torch` (next to the running binary, or $MOEBIUS_TORCH_BIN) with the same arguments.
void AddTrainImageCommand(CommandHost& host, CLI::App* train);
void AddTrainTextCommand(CommandHost& host, CLI::App* train);
// `moebius env list|show|create|update|delete` (cli_env.cc).
void AddEnvCommands(CommandHost& host);
// `moebius code push|list|show|cat|checkout|template` (cli_code.cc).
void AddCodeCommands(CommandHost& host);
// `moebius study create|list|show|trials|stop` (cli_study.cc).
void AddStudyCommands(CommandHost& host);
// `moebius run report|confirm` (added to the `run` noun) and `moebius package list|show|download`
// (cli_packages.cc).
void AddReportCommands(CommandHost& host, CLI::App* run);
CLI::App* AddPackageCommands(CommandHost& host);  // returns the `package` noun
// `moebius component create|list|show` and `moebius pipeline create|list|show|run|runs|cancel` (cli_pipeline.cc).
void AddPipelineCommands(CommandHost& host);
// `moebius model register|list|show|version|stage|alias` (cli_models.cc); returns the `model` noun.
CLI::App* AddModelCommands(CommandHost& host);
// `moebius deploy create|list|show|set|rollback|delete` and `moebius predict` (cli_deploy.cc).
void AddDeployCommands(CommandHost& host);
// `moebius model export|import` and `moebius package verify` (cli_triton.cc): Triton repositories.
void AddTritonCommands(CommandHost& host, CLI::App* model, CLI::App* package);
// `moebius approval list|show|request|approve|reject|cancel|comment` (cli_approvals.cc).
void AddApprovalCommands(CommandHost& host);
// cli_label.cc
void AddLabelCommands(CommandHost& host);

}  // namespace moebius::cli
