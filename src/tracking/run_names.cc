#include "tracking/run_names.h"

#include <cstdlib>

#include "base/crypto.h"

namespace moebius::tracking {

std::string GenerateRunName() {
  static const char* kAdjectives[] = {"bold", "calm", "brave", "bright", "clever", "crisp", "eager", "gentle", "keen",
                                      "lucky", "merry", "nimble", "quiet", "rapid", "sharp", "sunny", "swift", "vivid",
                                      "wise", "zesty"};
  static const char* kNouns[] = {"fox", "owl", "otter", "heron", "lynx", "panda", "tiger", "whale", "falcon", "badger",
                                 "crane", "dolphin", "eagle", "gecko", "koala", "moose", "raven", "seal", "wolf", "yak"};
  std::string hex = RandomHex(4);
  unsigned long r = std::strtoul(hex.c_str(), nullptr, 16);
  return std::string(kAdjectives[r % 20]) + "-" + kNouns[(r / 20) % 20] + "-" + std::to_string((r / 400) % 1000);
}

}  // namespace moebius::tracking
