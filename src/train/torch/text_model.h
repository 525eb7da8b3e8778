// TextModel: the fastText-style classifier of `moebius train text`, the only text-trainer code
// that includes libtorch (this header exposes no torch type).
//
//   logits = W · h + b,   h = mean of the embedding rows of a text's feature ids
//   (EmbeddingBag, mode mean; an empty bag is the zero vector), or with a hidden layer
//   h' = relu(W1 · h + b1) in between. Loss: softmax cross-entropy summed over the batch
//   (so a learning rate is per example, as in fastText's per-example updates).
//
// Initialization draws from libtorch's CPU generator, which SetUpTorch (torch_env.h) seeds: the
// embedding starts at zero (rows of n-grams never seen in training stay exactly zero, so the
// saved model holds only the rows training touched), the linear layers uniform in
// ±1/sqrt(fan_in) (weights and biases). The embedding's gradient is sparse (only the rows of
// the batch); optimizers: SGD (the caller passes the decayed rate per step) and Adam (lazy: the
// moments of an embedding row are updated when the row is in the batch, like SparseAdam; dense
// layers ordinary Adam, betas 0.9/0.999, eps 1e-8). Sparse gradients are coalesced before
// they are applied, so a step is deterministic for a fixed thread count.
//
// Model file (model/model.pt): a libtorch archive (torch::serialize::OutputArchive, a zip that
// torch.jit.load in Python also opens) with tensors "shape" (int64: format version 1,
// num_features, dim, hidden, classes), "emb_rows" (int64 ids of the non-zero embedding rows),
// "emb_values" (float, rows × dim), "w", "b", and with a hidden layer "w1", "b1".
//
// Thread safety: one thread at a time per model (training mutates it; LogProba may run
// concurrently with other LogProba calls only).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "train/torch/text_options.h"  // OptimizerKind

namespace moebius::train::text {

struct TextModelShape {
  int64_t num_features = 0;
  int dim = 64;
  int hidden = 0;  // 0: no hidden layer
  int classes = 2;
};

// A batch of texts: the feature ids of all texts concatenated, and where each text starts.
struct TextBatch {
  std::vector<int64_t> ids;
  std::vector<int64_t> offsets;  // one per text, non-decreasing, offsets[0] == 0
  std::vector<int64_t> labels;   // class index per text (training only)
  size_t size() const { return offsets.size(); }
  void Add(const std::vector<int64_t>& text_ids) {
    offsets.push_back(static_cast<int64_t>(ids.size()));
    ids.insert(ids.end(), text_ids.begin(), text_ids.end());
  }
};

class TextModel {
 public:
  TextModel(TextModel&&) noexcept;
  TextModel& operator=(TextModel&&) noexcept;
  ~TextModel();

  static Result<TextModel> Create(const TextModelShape& shape);
  // Reads a model file; kInvalidArgument when the bytes are not one.
  static Result<TextModel> Load(const std::string& bytes);
  Result<std::string> Save() const;

  const TextModelShape& shape() const { return shape_; }

  // One optimizer step on the batch; returns its mean loss before the step.
  Result<double> TrainStep(const TextBatch& batch, OptimizerKind optimizer, double lr);
  // Log-probabilities, batch.size() × classes, row-major.
  Result<std::vector<float>> LogProba(const TextBatch& batch) const;
  // What each feature id adds to the logits on its own: logits of a text holding only that id
  // minus logits of an empty text; ids.size() × classes.
  Result<std::vector<float>> FeatureScores(const std::vector<int64_t>& ids) const;

 private:
  struct Impl;
  explicit TextModel(std::unique_ptr<Impl> impl, TextModelShape shape);
  std::unique_ptr<Impl> impl_;
  TextModelShape shape_;
};

}  // namespace moebius::train::text
