#include "tracking/page_token.h"

#include "base/json.h"
#include "base/strings.h"

namespace moebius::tracking {

std::string EncodePageToken(int64_t offset) { return Base64Encode(Json{{"offset", offset}}.dump()); }

Result<int64_t> DecodePageToken(const std::string& token) {
  auto bad = [&] { return InvalidArgument("Invalid page token '" + token.substr(0, 64) + "'"); };
  if (token.size() > 256) return bad();
  auto raw = Base64Decode(token);
  if (!raw) return bad();
  auto j = ParseJson(*raw);
  if (!j.ok() || !j->is_object()) return bad();
  auto it = j->find("offset");
  if (it == j->end() || !it->is_number_integer() || it->get<int64_t>() < 0) return bad();
  return it->get<int64_t>();
}

}  // namespace moebius::tracking
