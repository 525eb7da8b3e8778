// Process-wide libtorch settings the torch trainers share. Call SetUpTorch once before building
// a model: it seeds every generator libtorch uses on the CPU, turns on deterministic algorithms
// (an operation without a deterministic CPU kernel then fails instead of varying) and fixes the
// intra-op thread count, so one seed and one thread count give bit-identical training.
//
// Thread safety: SetUpTorch changes global state; call it from the command's main thread before
// any training starts.
#pragma once

#include <cstdint>
#include <string>

namespace moebius::train {

// threads <= 0: all cores (std::thread::hardware_concurrency).
void SetUpTorch(uint64_t seed, int threads);

// "1.13.1" — the libtorch the binary was built with (logged as the run param torch_version).
std::string TorchVersion();

}  // namespace moebius::train
