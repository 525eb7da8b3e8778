#include "data/image/image_module.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace moebius::data::image::internal {
namespace {

namespace fs = std::filesystem;

// Where to look (image_module.h): $MOEBIUS_IMAGE_MODULE alone, else beside the executable, then
// the build tree's copy.
std::vector<std::string> Candidates() {
  if (const char* env = std::getenv("MOEBIUS_IMAGE_MODULE"); env && *env) return {env};
  std::vector<std::string> out;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back((exe.parent_path() / kCodecModuleFile).string());
#ifdef MOEBIUS_IMAGE_MODULE_BUILD_PATH
  if (std::string built = MOEBIUS_IMAGE_MODULE_BUILD_PATH; out.empty() || out.front() != built) out.push_back(built);
#endif
  return out;
}

Result<const CodecApi*> Load() {
  std::string tried;
  std::string first_error;  // the loader's words for the first candidate that exists
  for (const std::string& path : Candidates()) {
    tried += (tried.empty() ? "" : ", ") + path;
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    // RTLD_LOCAL: OpenCV's symbols stay out of the global namespace; the module is never closed.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      if (first_error.empty()) first_error = ::dlerror();
      continue;
    }
    auto entry = reinterpret_cast<const CodecApi* (*)()>(::dlsym(handle, kCodecEntryPoint));
    const CodecApi* api = entry ? entry() : nullptr;
    if (!api || api->abi_version != kCodecAbiVersion) {
      if (first_error.empty()) first_error = path + " is not an image module of this build (rebuild it with this binary)";
      continue;
    }
    return api;
  }
  std::string what = first_error.empty() ? std::string("no ") + kCodecModuleFile + " was found (looked for " + tried + ")"
                                         : "loading it failed: " + first_error;
  return Unavailable(std::string("image decoding is not available on this server: the image module ") + kCodecModuleFile +
                     " (OpenCV core, imgproc and imgcodecs) could not be loaded; " + what +
                     ". Install OpenCV's image libraries (Debian: libopencv-imgcodecs406 and libopencv-imgproc406; "
                     "scripts/install-deps.sh) and keep " + kCodecModuleFile + " beside the moebius binary, or name it in "
                     "MOEBIUS_IMAGE_MODULE");
}

}  // namespace

Result<const CodecApi*> LoadCodec() {
  static const Result<const CodecApi*> loaded = Load();  // once per process, thread-safe
  return loaded;
}

}  // namespace moebius::data::image::internal
