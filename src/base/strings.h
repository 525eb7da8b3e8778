// Small string utilities shared by every layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moebius {

std::vector<std::string> Split(std::string_view s, char sep);
std::string_view Trim(std::string_view s);
std::string ToLower(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
// Percent-decoding for URL paths and query strings; '+' becomes space when `plus_is_space`.
// Returns nullopt for a malformed escape.
std::optional<std::string> UrlDecode(std::string_view s, bool plus_is_space);
std::string UrlEncode(std::string_view s);
std::optional<int64_t> ParseInt64(std::string_view s);
std::optional<double> ParseDouble(std::string_view s);
// True when `s` is well-formed UTF-8 without NUL bytes.
bool IsValidUtf8(std::string_view s);
std::string Base64Encode(std::string_view in);
std::optional<std::string> Base64Decode(std::string_view in);

}  // namespace moebius
