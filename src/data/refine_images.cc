#include "data/refine_images.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "base/json_reader.h"
#include "base/strings.h"
#include "data/image/image.h"

namespace moebius::data {
namespace {

constexpr size_t kExamples = 5;
constexpr int64_t kPackThreshold = 16 << 20;  // larger outputs are stored as loose blobs
constexpr size_t kBatch = 64;                  // images decoded at once: bounds the memory held

size_t ExtensionStart(const std::string& path) {
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash) || dot == (slash == std::string::npos ? 0 : slash + 1))
    return std::string::npos;
  return dot;
}

std::string Extension(const std::string& path) {
  size_t dot = ExtensionStart(path);
  return dot == std::string::npos ? "" : ToLower(path.substr(dot));
}

// The path an item gets when converted to `format`; unchanged if its extension already names
// that format (a.jpeg stays a.jpeg for jpeg).
std::string ConvertedPath(const std::string& path, const std::string& format) {
  std::string ext = Extension(path);
  bool fits = (format == "jpeg" && (ext == ".jpg" || ext == ".jpeg")) || (format == "tiff" && (ext == ".tif" || ext == ".tiff")) ||
              ext == "." + format;
  if (fits) return path;
  return path.substr(0, ExtensionStart(path)) + image::ExtensionOf(format);
}

std::string FormatOfExtension(const std::string& ext) {
  if (ext == ".jpg" || ext == ".jpeg") return "jpeg";
  if (ext == ".tif" || ext == ".tiff") return "tiff";
  return ext.empty() ? "" : ext.substr(1);
}

Result<image::ResizeSpec> ResizeSpecOf(const JsonReader& o) {
  image::ResizeSpec s;
  ASSIGN_OR_RETURN(std::string mode, o.Get<std::string>("mode", "fit"));
  ASSIGN_OR_RETURN(s.mode, image::ParseResizeMode(mode));
  ASSIGN_OR_RETURN(std::string interpolation, o.Get<std::string>("interpolation", "area"));
  ASSIGN_OR_RETURN(s.interpolation, image::ParseInterpolation(interpolation));
  ASSIGN_OR_RETURN(s.width, o.Get<int>("width", 0));
  ASSIGN_OR_RETURN(s.height, o.Get<int>("height", 0));
  ASSIGN_OR_RETURN(s.size, o.Get<int>("size", 0));
  ASSIGN_OR_RETURN(s.quality, o.Get<int>("quality", s.quality));
  if (s.mode == image::ResizeMode::kShorterSide && (o.Has("width") || o.Has("height")))
    return InvalidArgument("mode shorter_side takes 'size', not width and height");
  if (s.mode != image::ResizeMode::kShorterSide && o.Has("size"))
    return InvalidArgument("mode " + mode + " takes 'width' and 'height', not 'size'");
  RETURN_IF_ERROR(image::ValidateResize(s));
  return s;
}

Result<image::ConvertSpec> ConvertSpecOf(const JsonReader& o) {
  image::ConvertSpec s;
  if (!o.Has("format")) return InvalidArgument("convert_images needs 'format' (png, jpeg, webp, bmp, tiff)");
  ASSIGN_OR_RETURN(std::string format, o.Req<std::string>("format"));
  ASSIGN_OR_RETURN(s.format, image::NormalizeOutputFormat(format));
  ASSIGN_OR_RETURN(s.quality, o.Get<int>("quality", s.quality));
  ASSIGN_OR_RETURN(std::string color, o.Get<std::string>("color", "keep"));
  ASSIGN_OR_RETURN(s.color, image::ParseColor(color));
  RETURN_IF_ERROR(image::ValidateConvert(s));
  return s;
}

std::string WithSize(const std::string& meta, const image::ImageInfo& info) {
  Json j = Json::parse(meta, nullptr, false);
  if (!j.is_object()) j = Json::object();
  j["width"] = info.width;
  j["height"] = info.height;
  return j.dump();
}

}  // namespace

void ParallelFor(size_t n, const std::function<void(size_t)>& fn) {
  size_t threads = std::min<size_t>(std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4), n);
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

bool IsImageOp(const std::string& op) { return op == "resize_images" || op == "convert_images"; }

bool IsImagePath(const std::string& path) {
  static const char* const kExtensions[] = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif"};
  std::string ext = Extension(path);
  for (const char* e : kExtensions)
    if (ext == e) return true;
  return false;
}

Status ValidateImageOp(const JsonReader& o) {
  const std::string& where = o.path();
  ASSIGN_OR_RETURN(std::string op, o.Req<std::string>("op"));
  // A misspelt argument ("qualty") would silently fall back to its default: refuse it.
  static const std::set<std::string> kResizeKeys = {"op", "mode", "width", "height", "size", "interpolation", "quality", "on_error"};
  static const std::set<std::string> kConvertKeys = {"op", "format", "quality", "color", "on_error"};
  const auto& known = op == "resize_images" ? kResizeKeys : kConvertKeys;
  for (const auto& [key, value] : o.json().items())
    if (!known.count(key)) return InvalidArgument(where + ": " + op + " has no argument '" + key + "'");
  Status st = op == "resize_images" ? ResizeSpecOf(o).status() : ConvertSpecOf(o).status();
  if (st.ok()) {
    auto on_error = o.Get<std::string>("on_error", "fail");
    if (!on_error.ok()) st = on_error.status();
    else if (*on_error != "fail" && *on_error != "skip" && *on_error != "drop") st = InvalidArgument("on_error must be 'fail', 'skip' or 'drop'");
  }
  if (!st.ok()) return Status(st.code(), where + ": " + op + ": " + st.message());
  return Status::Ok();
}

Result<Json> ApplyImageOp(std::vector<ManifestEntry>& items, const JsonReader& o, store::BlobStore& blobs) {
  ASSIGN_OR_RETURN(const std::string op, o.Req<std::string>("op"));
  ASSIGN_OR_RETURN(const std::string on_error, o.Get<std::string>("on_error", "fail"));
  const bool resize = op == "resize_images";
  image::ResizeSpec rspec;
  image::ConvertSpec cspec;
  if (resize) {
    ASSIGN_OR_RETURN(rspec, ResizeSpecOf(o));
  } else {
    ASSIGN_OR_RETURN(cspec, ConvertSpecOf(o));
  }

  // Renames first, from paths alone: a collision is refused before any image is decoded.
  std::map<std::string, std::string> taken;  // new path → the item that gets it
  int64_t renamed = 0;
  if (!resize) {
    for (const auto& e : items) {
      std::string to = IsImagePath(e.path) ? ConvertedPath(e.path, cspec.format) : e.path;
      auto [it, fresh] = taken.emplace(to, e.path);
      if (!fresh)
        return InvalidArgument(op + ": '" + it->second + "' and '" + e.path + "' would both become '" + to +
                               "'; drop or rename one of them first");
    }
  }

  // One image's work: read, decode, transform, encode. Pure apart from the (thread-safe) blob
  // read, so batches of images run on a few threads; the results are applied in path order.
  struct Outcome {
    Status st;
    image::Encoded result;
    bool changed = false;
  };
  auto process = [&](const ManifestEntry& e) -> Outcome {
    Outcome out;
    auto bytes = blobs.Get(e.sha256);
    if (!bytes.ok()) {
      out.st = Internal(bytes.status().message());  // our storage, not the image, is at fault
      return out;
    }
    if (resize) {
      auto r = image::Resize(*bytes, rspec);
      out.st = r.status();
      if (r.ok()) {
        out.changed = r->changed;
        out.result = std::move(r->out);
      }
      return out;
    }
    // Same format, colours kept and no quality asked for: nothing to re-encode (a JPEG would
    // only lose quality), but the image must still decode.
    bool same = FormatOfExtension(Extension(e.path)) == cspec.format && cspec.color == image::Color::kKeep && !o.Has("quality");
    auto probe = image::Probe(*bytes);
    out.st = probe.status();
    if (probe.ok() && probe->format == cspec.format && same) {
      out.result.info = *probe;
    } else if (probe.ok()) {
      auto c = image::Convert(*bytes, cspec);
      out.st = c.status();
      if (c.ok()) {
        out.changed = true;
        out.result = std::move(*c);
      }
    }
    return out;
  };

  ASSIGN_OR_RETURN(auto pack, blobs.NewPack());
  int64_t changed = 0, unchanged = 0, skipped = 0, failed = 0;
  std::vector<std::string> failed_examples;
  std::vector<ManifestEntry> out;
  out.reserve(items.size());
  std::vector<Outcome> batch;
  size_t batch_start = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    ManifestEntry& e = items[i];
    if (!IsImagePath(e.path)) {
      ++skipped;
      out.push_back(std::move(e));
      continue;
    }
    if (i >= batch_start + batch.size()) {  // the next batch: up to kBatch images from here
      std::vector<size_t> todo;
      for (size_t j = i; j < items.size() && todo.size() < kBatch; ++j)
        if (IsImagePath(items[j].path)) todo.push_back(j);
      batch.assign(todo.back() - i + 1, Outcome{});
      batch_start = i;
      ParallelFor(todo.size(), [&](size_t k) { batch[todo[k] - i] = process(items[todo[k]]); });
    }
    Outcome& r = batch[i - batch_start];
    Status st = r.st;
    image::Encoded& result = r.result;
    bool did_change = r.changed;
    // Our storage or a missing image module (kUnavailable), not the image, is at fault: no on_error applies.
    if (st.code() == StatusCode::kInternal || st.code() == StatusCode::kUnavailable) return st.WithContext(op + ": " + e.path);
    if (!st.ok()) {
      // An image over the pixel limit is the item's fault, not an oversized request: a 400.
      StatusCode code = st.code() == StatusCode::kTooLarge ? StatusCode::kInvalidArgument : st.code();
      if (on_error == "fail") return Status(code, op + ": " + e.path + ": " + st.message());
      ++failed;
      if (failed_examples.size() < kExamples) failed_examples.push_back(e.path + ": " + st.message());
      if (on_error == "skip") out.push_back(std::move(e));
      continue;
    }
    if (did_change) {
      store::BlobInfo info;
      if (static_cast<int64_t>(result.bytes.size()) > kPackThreshold) {
        ASSIGN_OR_RETURN(info, blobs.Put(result.bytes));
      } else {
        ASSIGN_OR_RETURN(info, pack->Add(result.bytes));
      }
      e.sha256 = info.sha256;
      e.size = info.size;
      ++changed;
    } else {
      ++unchanged;
    }
    if (!resize) {
      std::string to = ConvertedPath(e.path, cspec.format);
      if (to != e.path) ++renamed;
      e.path = to;
    }
    e.meta = WithSize(e.meta, result.info);
    result = image::Encoded{};  // release the bytes early
    out.push_back(std::move(e));
  }
  RETURN_IF_ERROR(pack->Commit());
  RETURN_IF_ERROR(SortEntries(out));
  items = std::move(out);
  Json report{{"images_changed", changed}, {"images_unchanged", unchanged}, {"skipped_non_images", skipped}, {"failed", failed},
              {"failed_examples", failed_examples}};
  if (!resize) report["renamed"] = renamed;
  if (on_error == "drop") report["items_dropped"] = failed;
  return report;
}

}  // namespace moebius::data
