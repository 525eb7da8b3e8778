// Password hashing with argon2id (OWASP parameters: 19 MiB, 2 passes, 1 lane).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace moebius::auth {

// kInvalidArgument if the password is shorter than 8 or longer than 1024 bytes.
Status CheckPasswordPolicy(std::string_view password);
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

}  // namespace moebius::auth
