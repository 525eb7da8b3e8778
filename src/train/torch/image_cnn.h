// ImageCnn: the image classifier's network and optimizer behind a torch-free interface (the one
// translation unit with the model, image_cnn.cc, includes libtorch; see CMakeLists).
//
// The network: `blocks` × (3×3 conv, no bias → batch norm → ReLU → 2×2 max pool), the first
// block with `width` channels and each next one doubling them, then global average pooling,
// dropout and one linear layer to `classes` logits. Trained with Adam (lr, weight_decay) on
// cross-entropy. Inputs are normalized channels-first floats (ImageSpec::Normalize), n × C × S × S.
//
// Save() is the module's torch::save archive (a zip with the parameters and batch-norm buffers)
// plus the entry "moebius_config" holding the architecture, so Load() rebuilds the same network
// from the bytes alone. Same seed (SetUpTorch), same threads, same batches → same bytes.
//
// Thread safety: one thread at a time per object (libtorch's own intra-op threads aside).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace moebius::train {

struct CnnConfig {
  int channels = 3;
  int size = 64;
  int width = 16;
  int blocks = 3;
  int classes = 2;
  double dropout = 0.2;
};

struct StepResult {
  double loss = 0;      // mean cross-entropy of the batch
  int64_t correct = 0;  // argmax hits in the batch (train mode: dropout on, batch statistics)
};

class ImageCnn {
 public:
  // Builds the network with freshly initialized weights (libtorch's generator: SetUpTorch first).
  static Result<ImageCnn> Create(const CnnConfig& config);
  // A network saved by Save(); kInvalidArgument for bytes that are not one.
  static Result<ImageCnn> Load(const std::string& bytes);

  ImageCnn(ImageCnn&&) noexcept;
  ImageCnn& operator=(ImageCnn&&) noexcept;
  ~ImageCnn();

  const CnnConfig& config() const;
  int64_t NumParameters() const;

  // Creates (or replaces) the Adam optimizer.
  void SetOptimizer(double lr, double weight_decay);
  // One optimizer step on n inputs (n × C × S × S floats) with class indices y.
  Result<StepResult> TrainStep(const float* x, int64_t n, const int64_t* y);
  // Evaluation mode (running statistics, no dropout, no gradients): n × classes probabilities.
  Result<std::vector<float>> Predict(const float* x, int64_t n);

  Result<std::string> Save();
  // Replaces the weights with those of a Save() of the same architecture (early stopping's best).
  Status Restore(const std::string& bytes);

 private:
  struct Impl;
  explicit ImageCnn(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace moebius::train
