#include "api/static_assets.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "base/crypto.h"

namespace moebius::api {

namespace {
bool PathLess(const internal::EmbeddedFile& f, std::string_view path) { return f.path < path; }

// The files of --web-dir: path → bytes and asset (whose views point into the bytes).
struct DirFile {
  std::string bytes, type, etag;
  StaticAsset asset;
};
std::map<std::string, std::unique_ptr<DirFile>, std::less<>>& DirFiles() {
  static std::map<std::string, std::unique_ptr<DirFile>, std::less<>> files;
  return files;
}

// The same types cmake/gen_web_assets.cmake gives embedded files.
std::string TypeOf(const std::string& ext) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},   {".json", "application/json"},            {".map", "application/json"},
      {".svg", "image/svg+xml"},             {".png", "image/png"},                    {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},              {".txt", "text/plain; charset=utf-8"}};
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}
}  // namespace

Status UseWebDirectory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(dir) / "index.html", ec)) return InvalidArgument("--web-dir " + dir + " has no index.html (run `npm run build` in web/)");
  auto& files = DirFiles();
  files.clear();
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return InvalidArgument("cannot read --web-dir " + dir + ": " + ec.message());
    if (!it->is_regular_file()) continue;
    auto f = std::make_unique<DirFile>();
    std::ifstream in(it->path(), std::ios::binary);
    f->bytes.assign(std::istreambuf_iterator<char>(in), {});
    f->type = TypeOf(it->path().extension().string());
    f->etag = Sha256Hex(f->bytes).substr(0, 32);
    f->asset = StaticAsset{f->bytes, f->type, f->etag};
    files["/" + fs::relative(it->path(), dir).generic_string()] = std::move(f);
  }
  return Status::Ok();
}

const StaticAsset* FindStaticAsset(std::string_view path) {
  if (!DirFiles().empty()) {
    auto it = DirFiles().find(path);
    return it == DirFiles().end() ? nullptr : &it->second->asset;
  }
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
