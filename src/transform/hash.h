// The stable 64-bit string hash behind the `hash` step. Its values are part of the fitted-spec
// format: changing them changes every hashed feature, so they never change within a format
// version (the tests pin known values).
#pragma once

#include <cstdint>
#include <string_view>

namespace moebius::transform {

// FNV-1a, 64-bit (offset basis 0xcbf29ce484222325, prime 0x100000001b3), over the bytes of `s`.
constexpr uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

// MurmurHash3's 64-bit finalizer: FNV-1a's low bits mix poorly, and a bucket is taken modulo n.
constexpr uint64_t Mix64(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

// The bucket in [0, n) of `s`; n > 0.
constexpr uint64_t HashBucket(std::string_view s, uint64_t n) { return Mix64(Fnv1a64(s)) % n; }

}  // namespace moebius::transform
