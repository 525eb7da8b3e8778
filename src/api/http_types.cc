#include "api/http_types.h"

#include "base/strings.h"

namespace moebius::api {

std::optional<std::string_view> HttpRequest::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return std::string_view(v);
  return std::nullopt;
}

std::optional<std::string> HttpRequest::Query(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

std::vector<std::string> HttpRequest::QueryAll(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : query)
    if (k == name) out.push_back(v);
  return out;
}

bool ParseQueryString(std::string_view qs, std::vector<std::pair<std::string, std::string>>* out) {
  while (!qs.empty()) {
    size_t amp = qs.find('&');
    std::string_view part = qs.substr(0, amp);
    qs = amp == std::string_view::npos ? std::string_view() : qs.substr(amp + 1);
    if (part.empty()) continue;  // "a=1&&b=2"
    size_t eq = part.find('=');
    auto key = UrlDecode(part.substr(0, eq), /*plus_is_space=*/true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>(std::string())
                                              : UrlDecode(part.substr(eq + 1), /*plus_is_space=*/true);
    if (!key || !value) return false;
    out->emplace_back(std::move(*key), std::move(*value));
  }
  return true;
}

}  // namespace moebius::api
