#include "api/static_assets.h"

#include <algorithm>

namespace moebius::api {

namespace {
bool PathLess(const internal::EmbeddedFile& f, std::string_view path) { return f.path < path; }
}  // namespace

const StaticAsset* FindStaticAsset(std::string_view path) {
  // The generator sorts with CMake's byte-wise order, which is std::string_view's order too.
  static const bool sorted = std::is_sorted(internal::EmbeddedFiles().begin(), internal::EmbeddedFiles().end(),
                                            [](const auto& a, const auto& b) { return a.path < b.path; });
  auto files = internal::EmbeddedFiles();
  if (!sorted) {
    auto it = std::find_if(files.begin(), files.end(), [&](const auto& f) { return f.path == path; });
    return it == files.end() ? nullptr : &it->asset;
  }
  auto it = std::lower_bound(files.begin(), files.end(), path, PathLess);
  return it != files.end() && it->path == path ? &it->asset : nullptr;
}

bool HaveWebUi() { return FindStaticAsset("/index.html") != nullptr; }

}  // namespace moebius::api
