// Hashing and randomness from OpenSSL (SHA-NI where the CPU has it).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace moebius {

using Sha256Digest = std::array<uint8_t, 32>;

// Incremental SHA-256. Not thread-safe; one instance per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(const void* data, size_t n);
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  Sha256Digest Finish();

 private:
  void* ctx_;  // EVP_MD_CTX*
};

Sha256Digest Sha256Of(std::string_view data);
std::string Sha256Hex(std::string_view data);
std::string HexEncode(const uint8_t* p, size_t n);
inline std::string HexEncode(const Sha256Digest& d) { return HexEncode(d.data(), d.size()); }
bool IsLowerHex(std::string_view s, size_t len);

// HMAC-SHA256(key, data) as lowercase hex.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// Cryptographically random bytes, as lowercase hex of 2*n characters.
std::string RandomHex(size_t n_bytes);
// A URL-safe random secret (base62) of `len` characters.
std::string RandomToken(size_t len);

// Compares in time independent of where the strings differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace moebius
