#include "train/torch/torch_env.h"

#include <gtest/gtest.h>

namespace moebius::train {
namespace {

TEST(TorchEnv, VersionIsTheBuiltLibrary) {
  std::string v = TorchVersion();
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v.rfind("1.", 0), 0u) << v;  // Debian's libtorch-dev is 1.13
}

}  // namespace
}  // namespace moebius::train
