#include "train/torch/image_folder.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "base/json.h"
#include "base/strings.h"

namespace moebius::train {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSidecar = ".moebius/manifest.jsonl";

// 0 train, 1 valid, 2 test, -1 otherwise.
int SplitIndex(const std::string& s) {
  if (s == "train") return 0;
  if (s == "val" || s == "valid" || s == "validation") return 1;
  if (s == "test") return 2;
  return -1;
}

std::vector<ImageItem>& Slot(ImageFolder& f, int k) { return k == 0 ? f.train : k == 1 ? f.valid : f.test; }

Result<ImageFolder> FromManifest(const std::string& dir, const std::string& file, const std::string& label_key) {
  std::ifstream in(file);
  if (!in) return InvalidArgument("cannot read " + file);
  ImageFolder f;
  f.source = "manifest";
  std::string line;
  int64_t n = 0, unlabeled = 0, unsplit = 0;
  std::string first_unlabeled, first_unsplit;
  while (std::getline(in, line)) {
    ++n;
    if (Trim(line).empty()) continue;
    Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("path") || !j["path"].is_string())
      return InvalidArgument(std::string(kSidecar) + " line " + std::to_string(n) + " is not a manifest entry");
    std::string path = j["path"].get<std::string>();
    if (!IsImagePath(path)) continue;
    const Json meta = j.contains("meta") && j["meta"].is_object() ? j["meta"] : Json::object();
    auto label = meta.find(label_key);
    if (label == meta.end() || label->is_null() || label->is_object() || label->is_array()) {
      if (unlabeled++ == 0) first_unlabeled = path;
      continue;
    }
    std::string split = meta.contains("split") && meta["split"].is_string() ? meta["split"].get<std::string>() : "";
    int k = SplitIndex(split);
    if (k < 0) {
      if (unsplit++ == 0) first_unsplit = split.empty() ? path : path + " (split '" + split + "')";
      continue;
    }
    if (!fs::exists(fs::path(dir) / path)) return InvalidArgument("the manifest lists " + path + " but the folder has no such file");
    Slot(f, k).push_back({path, label->is_string() ? label->get<std::string>() : label->dump()});
  }
  if (unlabeled)
    return InvalidArgument(std::to_string(unlabeled) + " image item(s) have no meta '" + label_key + "' (first: " + first_unlabeled +
                           "); train on a labeled version (labels from folders or a label file) or pass --label-key");
  if (unsplit)
    return InvalidArgument(std::to_string(unsplit) + " image item(s) have no split train, val or test (first: " + first_unsplit +
                           "); train on a split version (POST .../versions with \"split\")");
  return f;
}

Result<ImageFolder> FromFolders(const std::string& dir) {
  ImageFolder f;
  f.source = "folders";
  std::vector<std::string> paths;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string rel = fs::relative(it->path(), dir).generic_string();
    if (StartsWith(rel, ".moebius/")) continue;
    if (IsImagePath(rel)) paths.push_back(rel);
  }
  if (ec) return InvalidArgument("cannot list " + dir + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  for (const std::string& p : paths) {
    auto parts = Split(p, '/');
    int k = parts.size() >= 3 ? SplitIndex(parts[0]) : -1;
    if (k < 0)
      return InvalidArgument(dir + " has no " + kSidecar + " and " + p +
                             " is not at <train|val|test>/<label>/<file>: check the version out with its manifest "
                             "(`moebius data checkout --manifest`, or payload.data) or lay the files out by split and label folders");
    Slot(f, k).push_back({p, parts[1]});
  }
  return f;
}

}  // namespace

bool IsImagePath(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".webp" || ext == ".tif" || ext == ".tiff";
}

Result<ImageFolder> ImageFolder::Load(const std::string& dir, const std::string& label_key) {
  if (!fs::is_directory(dir)) return InvalidArgument("--data " + dir + " is not a folder");
  std::string sidecar = (fs::path(dir) / kSidecar).string();
  ImageFolder f;
  if (fs::exists(sidecar)) {
    ASSIGN_OR_RETURN(f, FromManifest(dir, sidecar, label_key));
  } else {
    ASSIGN_OR_RETURN(f, FromFolders(dir));
  }
  if (f.train.empty()) return InvalidArgument("the version has no train images (" + dir + ")");
  if (f.test.empty()) return InvalidArgument("the version has no test images (" + dir + "); split it with a test share");
  return f;
}

}  // namespace moebius::train
