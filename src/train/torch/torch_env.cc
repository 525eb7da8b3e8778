#include "train/torch/torch_env.h"

#include <torch/torch.h>

#include <thread>

namespace moebius::train {

void SetUpTorch(uint64_t seed, int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
  torch::manual_seed(seed);
  at::globalContext().setDeterministicAlgorithms(true, /*warn_only=*/false);
}

std::string TorchVersion() { return TORCH_VERSION; }

}  // namespace moebius::train
