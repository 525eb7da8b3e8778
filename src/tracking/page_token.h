// Opaque page tokens: base64 of {"offset": N}. Clients must treat them as opaque.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace moebius::tracking {
std::string EncodePageToken(int64_t offset);
// kInvalidArgument for anything that is not a token this server issued.
Result<int64_t> DecodePageToken(const std::string& token);
}  // namespace moebius::tracking
