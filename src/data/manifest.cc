#include "data/manifest.h"

#include <zstd.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "base/json.h"
#include "base/strings.h"

namespace moebius::data {
namespace {

constexpr size_t kMinChunk = 64;
constexpr size_t kMaxChunk = 8192;
constexpr uint64_t kBoundaryMask = 0x3ff;  // about 1 boundary per 1024 entries

uint64_t PathHash(std::string_view s) {  // FNV-1a, stable across builds
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h ^ (h >> 29);
}

void AppendLine(std::string& out, char op, const ManifestEntry& e) {
  if (op) {
    out += op;
    out += '\t';
  }
  out += e.path;
  out += '\t';
  out += e.sha256;
  out += '\t';
  out += std::to_string(e.size);
  out += '\t';
  out += e.meta;
  out += '\n';
}

Result<ManifestEntry> ParseLine(std::string_view line) {
  ManifestEntry e;
  size_t a = line.find('\t');
  size_t b = a == std::string_view::npos ? a : line.find('\t', a + 1);
  size_t c = b == std::string_view::npos ? b : line.find('\t', b + 1);
  if (c == std::string_view::npos) return Internal("damaged manifest line");
  e.path = std::string(line.substr(0, a));
  e.sha256 = std::string(line.substr(a + 1, b - a - 1));
  auto size_text = line.substr(b + 1, c - b - 1);
  auto [p, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), e.size);
  if (ec != std::errc()) return Internal("damaged manifest line (size)");
  e.meta = std::string(line.substr(c + 1));
  return e;
}

}  // namespace

Status ValidateItemPath(const std::string& path) {
  if (path.empty() || path.size() > 1024) return InvalidArgument("item path must be 1 to 1024 bytes: '" + path.substr(0, 100) + "'");
  if (!IsValidUtf8(path)) return InvalidArgument("item path is not valid UTF-8: '" + path.substr(0, 100) + "'");
  if (path.front() == '/' || HasDriveLetter(path)) return InvalidArgument("item path must be relative, got '" + path + "'");
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f || c == '\\') return InvalidArgument("item path has a control character or backslash: '" + path + "'");
  for (const std::string& seg : Split(path, '/'))
    if (seg.empty() || seg == "." || seg == "..") return InvalidArgument("item path has an empty, '.' or '..' segment: '" + path + "'");
  return Status::Ok();
}

Status SortEntries(std::vector<ManifestEntry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const ManifestEntry& a, const ManifestEntry& b) { return a.path < b.path; });
  for (size_t i = 1; i < entries.size(); ++i)
    if (entries[i].path == entries[i - 1].path) return InvalidArgument("duplicate item path '" + entries[i].path + "'");
  return Status::Ok();
}

ManifestDelta Diff(const std::vector<ManifestEntry>& a, const std::vector<ManifestEntry>& b) {
  ManifestDelta d;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].path < b[j].path)) {
      d.before.push_back(a[i]);
      d.removed.push_back(a[i++].path);
    } else if (i == a.size() || b[j].path < a[i].path) {
      d.added.push_back(b[j++]);
    } else {
      if (!(a[i] == b[j])) {
        d.modified.push_back(b[j]);
        d.before.push_back(a[i]);
      }
      ++i;
      ++j;
    }
  }
  return d;
}

Result<std::vector<ManifestEntry>> Apply(const std::vector<ManifestEntry>& base, const ManifestDelta& delta) {
  // Merge base with the changes; every change must fit the base it claims to change.
  std::vector<const ManifestEntry*> upserts;
  for (const auto& e : delta.added) upserts.push_back(&e);
  for (const auto& e : delta.modified) upserts.push_back(&e);
  std::sort(upserts.begin(), upserts.end(), [](const ManifestEntry* x, const ManifestEntry* y) { return x->path < y->path; });
  std::vector<std::string> removed = delta.removed;
  std::sort(removed.begin(), removed.end());
  std::vector<ManifestEntry> out;
  out.reserve(base.size() + delta.added.size());
  size_t u = 0, r = 0;
  for (const auto& e : base) {
    while (u < upserts.size() && upserts[u]->path < e.path) out.push_back(*upserts[u++]);
    while (r < removed.size() && removed[r] < e.path) ++r;
    if (r < removed.size() && removed[r] == e.path) {
      ++r;
      continue;
    }
    if (u < upserts.size() && upserts[u]->path == e.path) {
      out.push_back(*upserts[u++]);
      continue;
    }
    out.push_back(e);
  }
  while (u < upserts.size()) out.push_back(*upserts[u++]);
  return out;
}

Result<std::string> ManifestStore::PutCompressed(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  if (ZSTD_isError(n)) return Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  ASSIGN_OR_RETURN(store::BlobInfo info, blobs_.Put(out));
  return info.sha256;
}

Result<std::string> ManifestStore::GetCompressed(const std::string& sha) const {
  ASSIGN_OR_RETURN(std::string raw, blobs_.Get(sha));
  unsigned long long size = ZSTD_getFrameContentSize(raw.data(), raw.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ULL << 34))
    return Internal("manifest object " + sha + " is damaged");
  std::string out(size, '\0');
  size_t n = ZSTD_decompress(out.data(), out.size(), raw.data(), raw.size());
  if (ZSTD_isError(n) || n != size) return Internal("manifest object " + sha + " is damaged");
  return out;
}

Result<std::string> ManifestStore::WriteFull(const std::vector<ManifestEntry>& sorted) {
  Json chunks = Json::array();
  std::string text;
  size_t in_chunk = 0;
  std::string first;
  int64_t bytes = 0;
  auto flush = [&]() -> Status {
    if (in_chunk == 0) return Status::Ok();
    ASSIGN_OR_RETURN(std::string sha, PutCompressed(text));
    chunks.push_back({{"sha", sha}, {"first", first}, {"count", in_chunk}});
    text.clear();
    in_chunk = 0;
    return Status::Ok();
  };
  for (const auto& e : sorted) {
    if (in_chunk == 0) first = e.path;
    AppendLine(text, 0, e);
    ++in_chunk;
    bytes += e.size;
    bool boundary = in_chunk >= kMinChunk && (PathHash(e.path) & kBoundaryMask) == 0;
    if (boundary || in_chunk >= kMaxChunk) RETURN_IF_ERROR(flush());
  }
  RETURN_IF_ERROR(flush());
  Json root{{"format", 1}, {"count", sorted.size()}, {"bytes", bytes}, {"chunks", chunks}};
  return PutCompressed(root.dump());
}

Result<std::vector<std::string>> ManifestStore::Chunks(const std::string& root) const {
  ASSIGN_OR_RETURN(std::string text, GetCompressed(root));
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("chunks")) return Internal("manifest root " + root + " is damaged");
  std::vector<std::string> out;
  for (const auto& c : j["chunks"]) out.push_back(c.value("sha", ""));
  return out;
}

Result<std::vector<ManifestEntry>> ManifestStore::ReadFull(const std::string& root) const {
  ASSIGN_OR_RETURN(std::vector<std::string> chunks, Chunks(root));
  std::vector<ManifestEntry> out;
  for (const auto& sha : chunks) {
    ASSIGN_OR_RETURN(std::string text, GetCompressed(sha));
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) return Internal("manifest chunk " + sha + " is damaged");
      ASSIGN_OR_RETURN(ManifestEntry e, ParseLine(std::string_view(text).substr(start, nl - start)));
      out.push_back(std::move(e));
      start = nl + 1;
    }
  }
  return out;
}

Result<std::string> ManifestStore::WriteDelta(const ManifestDelta& delta) {
  std::string text = "moebius-delta 1\n";
  for (const auto& e : delta.added) AppendLine(text, '+', e);
  for (const auto& e : delta.modified) AppendLine(text, '~', e);
  for (const auto& p : delta.removed) {
    text += "-\t";
    text += p;
    text += '\n';
  }
  // For modified paths only the old meta is needed (label changes); the old digest matters for
  // removed paths (renames), so it is written only for those. Digests are incompressible, and
  // this keeps a 1% change near 1% of a full manifest.
  std::set<std::string> removed(delta.removed.begin(), delta.removed.end());
  for (const auto& e : delta.before) {
    if (removed.count(e.path)) {
      AppendLine(text, '<', e);
    } else {
      ManifestEntry old = e;
      old.sha256 = "-";
      AppendLine(text, '<', old);
    }
  }
  return PutCompressed(text);
}

Result<ManifestDelta> ManifestStore::ReadDelta(const std::string& sha) const {
  ASSIGN_OR_RETURN(std::string text, GetCompressed(sha));
  if (!StartsWith(text, "moebius-delta 1\n")) return Internal("delta " + sha + " is damaged");
  ManifestDelta d;
  size_t start = 16;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos || nl < start + 2) return Internal("delta " + sha + " is damaged");
    std::string_view line = std::string_view(text).substr(start, nl - start);
    char op = line[0];
    std::string_view rest = line.substr(2);
    if (op == '-') {
      d.removed.emplace_back(rest);
    } else {
      ASSIGN_OR_RETURN(ManifestEntry e, ParseLine(rest));
      if (op == '+') d.added.push_back(std::move(e));
      else if (op == '~') d.modified.push_back(std::move(e));
      else if (op == '<') d.before.push_back(std::move(e));
      else return Internal("delta " + sha + " is damaged");
    }
    start = nl + 1;
  }
  return d;
}

Result<int64_t> ManifestStore::StoredBytes(const std::string& sha, bool is_root) const {
  ASSIGN_OR_RETURN(std::string raw, blobs_.Get(sha));
  int64_t total = static_cast<int64_t>(raw.size());
  if (is_root) {
    ASSIGN_OR_RETURN(auto chunks, Chunks(sha));
    for (const auto& c : chunks) {
      ASSIGN_OR_RETURN(std::string bytes, blobs_.Get(c));
      total += static_cast<int64_t>(bytes.size());
    }
  }
  return total;
}

}  // namespace moebius::data
