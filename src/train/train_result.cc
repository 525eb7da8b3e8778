#include "train/train_result.h"

#include <cctype>

namespace moebius::train {

std::string MetricKey(const std::string& name) {
  std::string out = name;
  for (char& c : out)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ' ' || c == '/')) c = '_';
  return out;
}

}  // namespace moebius::train
