// The web UI (web/dist), embedded into the binary at build time by cmake/embed_web.cmake.
#pragma once

#include <string_view>

namespace moebius::api {

struct StaticAsset {
  std::string_view body;
  std::string_view content_type;
  std::string_view etag;  // sha256 prefix of the content
};

// `path` as requested, e.g. "/index.html" or "/assets/index-3f2a.js"; nullptr when absent.
const StaticAsset* FindStaticAsset(std::string_view path);
// False when the binary was built without web/dist.
bool HaveWebUi();

}  // namespace moebius::api
