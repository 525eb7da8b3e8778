// `moebius train text`: the built-in fastText-style text classifier (src/train/torch,
// text_trainer.h) as a command that a job runs (payload.command ["moebius", "train", "text",
// ...]). Logging to the tracking API, --out and failure handling are train_publish.h's.
#include "cli/cli_app.h"
#include "cli/train_publish.h"
#include "train/torch/text_trainer.h"

namespace moebius::cli {
namespace {

struct TextFlags {
  train::TextOptions o;
  std::string case_mode = "simple";
  bool no_explain = false, no_perf = false;
  TrainTracking tracking;
};

Status RunTrainText(TextFlags& f) {
  ASSIGN_OR_RETURN(f.o.features.case_mode, train::text::ParseCaseMode(f.case_mode));
  f.o.explain = !f.no_explain;
  f.o.measure_perf = !f.no_perf;
  RETURN_IF_ERROR(train::Validate(f.o));
  const train::TextOptions& o = f.o;
  return RunAndPublish(f.tracking, [&o](const train::TrainLog& log) { return train::TrainText(o, log); });
}

}  // namespace

void AddTrainTextCommand(CommandHost& host, CLI::App* train) {
  auto* x = host.Sub(train, "text",
                     "train a fastText-style text classifier (libtorch; word and character n-grams) on a split version");
  auto* f = host.Own<TextFlags>();
  auto& o = f->o;
  x->add_option("--data", o.data_dir, "folder of a split version (payload.data or `moebius data checkout`)")->required();
  x->add_option("--text", o.text, "the text column")->required();
  x->add_option("--label", o.label, "the class column")->required();
  x->add_option("--min-count", o.features.min_count, "a train word joins the vocabulary after this many occurrences")->capture_default_str();
  x->add_option("--word-ngrams", o.features.word_ngrams, "word n-grams up to this length, hashed (1: words only)")->capture_default_str();
  x->add_option("--minn", o.features.minn, "shortest character n-gram, in code points")->capture_default_str();
  x->add_option("--maxn", o.features.maxn, "longest character n-gram (0: no character n-grams)")->capture_default_str();
  x->add_option("--buckets", o.features.buckets, "hash buckets for character and word n-grams")->capture_default_str();
  x->add_option("--case", f->case_mode, "case folding: none | ascii | simple (Latin, Greek, Cyrillic)")->capture_default_str();
  x->add_option("--dim", o.dim, "embedding dimension")->capture_default_str();
  x->add_option("--hidden", o.hidden, "units of one relu hidden layer (0: linear, like fastText)")->capture_default_str();
  x->add_option("--optimizer", o.optimizer, "sgd (learning rate decays linearly to 0) | adam")->capture_default_str();
  x->add_option("--lr", o.lr, "learning rate per example (the batch loss is summed; 0: sgd 0.5, adam 0.02)")->capture_default_str();
  x->add_option("--epochs", o.epochs, "passes over the train split")->capture_default_str();
  x->add_option("--batch-size", o.batch_size, "texts per step")->capture_default_str();
  x->add_option("--early-stopping", o.early_stopping, "stop after N epochs without a lower valid loss (0: off)")->capture_default_str();
  x->add_option("--seed", o.seed, "random seed: the same seed and --threads give the same model")->capture_default_str();
  x->add_option("--threads", o.threads, "libtorch threads (0: all cores)")->capture_default_str();
  x->add_option("--perf-calls", o.perf_calls, "single-text predictions timed for perf.latency_p50_ms/p99")->capture_default_str();
  x->add_flag("--no-explain", f->no_explain, "skip the top n-grams per class (explanations.json)");
  x->add_flag("--no-perf", f->no_perf, "skip the serving measurement (latency, throughput, memory)");
  AddTrainTrackingFlags(x, f->tracking);
  host.OnRunLocal(x, [f]() { return RunTrainText(*f); });
}

}  // namespace moebius::cli
