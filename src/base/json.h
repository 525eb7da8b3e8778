// JSON helpers over nlohmann::json: bounded parsing and typed field access that return
// Status instead of throwing, so handlers validate input before doing any work.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace moebius {

using Json = nlohmann::json;

struct JsonLimits {
  int max_depth = 32;
  size_t max_string_bytes = 1 << 20;  // 1 MiB per string value or key
  size_t max_array_items = 100000;
};

// Parses `text`; malformed JSON, depth, string or array limits give kInvalidArgument.
Result<Json> ParseJson(std::string_view text, const JsonLimits& limits = {});

// Field accessors: absent (or null) fields give nullopt; present fields of the wrong type give
// kInvalidArgument naming the field.
Result<std::optional<std::string>> OptString(const Json& obj, const char* key);
Result<std::optional<int64_t>> OptInt(const Json& obj, const char* key);
Result<std::optional<double>> OptDouble(const Json& obj, const char* key);
Result<std::optional<bool>> OptBool(const Json& obj, const char* key);
Result<std::string> ReqString(const Json& obj, const char* key);

}  // namespace moebius
