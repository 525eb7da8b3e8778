// TrainImage: the whole run of `moebius train image` without any I/O to a server — read the
// labeled, split version (ImageFolder), decode every image at the input size, fit the
// per-channel normalization on the train split, train the small CNN (ImageCnn) with Adam for
// `epochs` epochs over shuffled mini-batches of augmented train images, evaluating train and
// valid each epoch, optionally stop early on the valid loss (the best epoch's weights are kept),
// evaluate the test split with src/eval and measure the model as it will be served. The caller
// (src/cli/cli_train_image.cc) logs the result to the tracking API.
//
// Per-epoch metrics at step = epoch (0-based): train-loss and train-accuracy (over the epoch's
// augmented batches, in train mode), valid-loss and valid-accuracy (evaluation mode).
//
// Determinism: the same data, options, seed and thread count give the same model.pt bytes,
// per-epoch metrics and evaluation (libtorch seeded with deterministic algorithms, shuffling and
// augmentation from our own seeded generator); only perf.* and time.* vary.
//
// Errors (kInvalidArgument): bad options; a folder that is not a labeled split vision version;
// an image that does not decode (named); one class in train; a valid or test label not in train;
// --early-stopping without valid images.
//
// Thread safety: call from the command's main thread (SetUpTorch changes process-wide state).
#pragma once

#include "base/status.h"
#include "train/torch/image_options.h"
#include "train/train_result.h"

namespace moebius::train {

Result<TrainResult> TrainImage(const ImageOptions& options, const TrainLog& log);

}  // namespace moebius::train
