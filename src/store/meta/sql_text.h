// Small pieces of SQL text that domain code builds from fixed shapes (never from user input).
#pragma once

#include <cstddef>
#include <string>

namespace moebius::store {

// "?, ?, ?" for an IN list of n bound values.
inline std::string Placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

}  // namespace moebius::store
