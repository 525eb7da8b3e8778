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
// Text for one log line: control characters (C0, DEL, C1, U+2028/U+2029) become \n, \r, \t or
// \xNN, a backslash becomes \\, and bytes that are not UTF-8 become \xNN. What a request
// carries (its path, headers, names) cannot start a forged line or send terminal escapes.
std::string EscapeForLog(std::string_view s);
// True when Windows would read `path` as drive-qualified ("C:", "C:/x", "c:evil"): archive
// readers refuse such entries like absolute paths.
bool HasDriveLetter(std::string_view path);
std::string Base64Encode(std::string_view in);
std::optional<std::string> Base64Decode(std::string_view in);

}  // namespace moebius
