// The web UI (web/dist), embedded into the binary at build time by cmake/embed_web.cmake.
#pragma once

#include <span>
#include <string_view>

namespace moebius::api {

struct StaticAsset {
  std::string_view body;
  std::string_view content_type;  // from the file's extension, e.g. "text/javascript; charset=utf-8"
  std::string_view etag;          // strong: the first 32 hex digits of the content's SHA-256, unquoted
};

// `path` as requested, e.g. "/index.html" or "/assets/index-3f2a.js"; nullptr when absent.
// Exact match only: no index files for directories, no fallback.
const StaticAsset* FindStaticAsset(std::string_view path);
// False when the binary was built without web/dist (or without its index.html).
bool HaveWebUi();

namespace internal {
struct EmbeddedFile {
  std::string_view path;
  StaticAsset asset;
};
// Defined in the source that cmake/gen_web_assets.cmake generates; sorted by path.
std::span<const EmbeddedFile> EmbeddedFiles();
}  // namespace internal

}  // namespace moebius::api
