// The web UI (web/dist), embedded into the binary at build time by cmake/embed_web.cmake.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

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

// Serves the UI from `dir` (a `npm run build` output) instead of the embedded copy, read once now:
// for working on the UI without rebuilding the server (`moebius server --web-dir web/dist`).
// kInvalidArgument when `dir` has no index.html. Call before the server starts; not thread-safe.
Status UseWebDirectory(const std::string& dir);

namespace internal {
struct EmbeddedFile {
  std::string_view path;
  StaticAsset asset;
};
// Defined in the source that cmake/gen_web_assets.cmake generates; sorted by path.
std::span<const EmbeddedFile> EmbeddedFiles();
}  // namespace internal

}  // namespace moebius::api
