#include "auth/password.h"

#include <argon2.h>

#include "base/crypto.h"

namespace moebius::auth {
namespace {
constexpr uint32_t kTimeCost = 2;
constexpr uint32_t kMemoryKiB = 19456;
constexpr uint32_t kLanes = 1;
constexpr size_t kSaltLen = 32;  // 32 hex characters of 16 random bytes
constexpr size_t kHashLen = 32;
}  // namespace

Status CheckPasswordPolicy(std::string_view password) {
  if (password.size() < 8) return InvalidArgument("password must be at least 8 characters");
  if (password.size() > 1024) return InvalidArgument("password must be at most 1024 bytes");
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  RETURN_IF_ERROR(CheckPasswordPolicy(password));
  std::string salt = RandomHex(kSaltLen / 2);
  size_t enc_len = argon2_encodedlen(kTimeCost, kMemoryKiB, kLanes, kSaltLen, kHashLen, Argon2_id);
  std::string encoded(enc_len, '\0');
  int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kLanes, password.data(), password.size(), salt.data(),
                                 salt.size(), kHashLen, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return Internal(std::string("argon2: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0') == std::string::npos ? encoded.size() : encoded.find('\0'));
  return encoded;
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  if (password.size() > 1024) return false;
  std::string enc(encoded_hash);
  return argon2id_verify(enc.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace moebius::auth
