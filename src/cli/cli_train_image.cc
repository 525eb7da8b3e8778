// `moebius train image`: the built-in libtorch image classifier (src/train/torch/image_*) as a
// command that a job runs (payload.command ["moebius", "train", "image", "--data", DIR, ...]).
// Logging to the tracking API, --out and failure handling are train_publish.h's.
#include "cli/cli_app.h"
#include "cli/train_publish.h"
#include "train/torch/image_trainer.h"

namespace moebius::cli {
namespace {

struct ImageFlags {
  train::ImageOptions o;
  std::string augment;
  bool no_perf = false;
  TrainTracking tracking;
};

Status RunTrainImage(ImageFlags& f) {
  train::ImageOptions o = f.o;
  ASSIGN_OR_RETURN(o.augment, train::ParseAugmentList(f.augment, f.o.augment));
  o.measure_perf = !f.no_perf;
  RETURN_IF_ERROR(train::ValidateImageOptions(o));
  return RunAndPublish(f.tracking, [&o](const train::TrainLog& log) { return train::TrainImage(o, log); });
}

}  // namespace

void AddTrainImageCommand(CommandHost& host, CLI::App* train) {
  auto* x = host.Sub(train, "image",
                     "train a small CNN (libtorch) on a labeled, split vision version (logs to MLFLOW_TRACKING_URI / MLFLOW_RUN_ID)");
  auto* f = host.Own<ImageFlags>();
  train::ImageOptions& o = f->o;
  x->add_option("--data", o.data_dir, "folder of a split version (payload.data, or `moebius data checkout --manifest`)")->required();
  x->add_option("--label-key", o.label_key, "the item meta key holding the class (from .moebius/manifest.jsonl)")->capture_default_str();
  x->add_option("--size", o.size, "square input side in pixels")->capture_default_str();
  x->add_option("--resize", o.resize, "fit_crop (aspect kept, centre crop) | stretch")->capture_default_str();
  x->add_option("--width", o.width, "channels of the first conv block (doubled per block)")->capture_default_str();
  x->add_option("--blocks", o.blocks, "conv-BN-ReLU-pool blocks")->capture_default_str();
  x->add_option("--dropout", o.dropout, "dropout before the linear layer")->capture_default_str();
  x->add_option("--epochs", o.epochs, "passes over the train split")->capture_default_str();
  x->add_option("--batch-size", o.batch_size, "images per optimizer step")->capture_default_str();
  x->add_option("--lr", o.lr, "Adam learning rate")->capture_default_str();
  x->add_option("--weight-decay", o.weight_decay, "Adam weight decay (L2)")->capture_default_str();
  x->add_option("--early-stopping", o.early_stopping, "stop after N epochs without a lower valid loss, keeping the best (0: off)")
      ->capture_default_str();
  x->add_option("--augment", f->augment, "train-split augmentation: comma list of flip, crop, brightness, contrast (or none)");
  x->add_option("--flip-prob", o.augment.flip_prob, "flip: probability of a horizontal mirror")->capture_default_str();
  x->add_option("--crop-pad", o.augment.crop_pad, "crop: largest shift in pixels, zero-filled (0: size/8)")->capture_default_str();
  x->add_option("--brightness", o.augment.brightness_delta, "brightness: factor drawn from 1 ± this")->capture_default_str();
  x->add_option("--contrast", o.augment.contrast_delta, "contrast: factor around the mean drawn from 1 ± this")->capture_default_str();
  x->add_option("--seed", o.seed, "random seed: the same seed and threads give the same model")->capture_default_str();
  x->add_option("--threads", o.threads, "libtorch threads (0: all cores)")->capture_default_str();
  x->add_option("--perf-calls", o.perf_calls, "single-image predictions timed for perf.latency_p50_ms/p99")->capture_default_str();
  x->add_flag("--no-perf", f->no_perf, "skip the serving measurement (latency, throughput, memory)");
  AddTrainTrackingFlags(x, f->tracking);
  host.OnRunLocal(x, [f]() { return RunTrainImage(*f); });
}

}  // namespace moebius::cli
