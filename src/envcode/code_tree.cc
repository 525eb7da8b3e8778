#include "envcode/code_tree.h"

#include <algorithm>

#include "base/crypto.h"
#include "base/strings.h"

namespace moebius::envcode {

Status ValidateCodePath(const std::string& path) {
  std::string shown = path.substr(0, 200);
  if (path.empty()) return InvalidArgument("a file path is empty");
  if (path.size() > 1024) return InvalidArgument("path '" + shown + "...' is longer than 1024 bytes");
  if (path[0] == '/') return InvalidArgument("path '" + shown + "' is absolute; paths must be relative");
  if (HasDriveLetter(path)) return InvalidArgument("path '" + shown + "' starts with a drive letter; paths must be relative");
  if (!IsValidUtf8(path)) return InvalidArgument("path '" + shown + "' is not valid UTF-8");
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f || c == '\\') return InvalidArgument("path '" + shown + "' has a control character or backslash");
  for (const std::string& seg : Split(path, '/')) {
    if (seg.empty()) return InvalidArgument("path '" + shown + "' has an empty segment");
    if (seg == "." || seg == "..") return InvalidArgument("path '" + shown + "' has a '" + seg + "' segment (path traversal)");
  }
  return Status::Ok();
}

Result<std::string> TreeHash(std::vector<CodeFile> files) {
  std::sort(files.begin(), files.end(), [](const CodeFile& a, const CodeFile& b) { return a.path < b.path; });
  std::string listing;
  for (size_t i = 0; i < files.size(); ++i) {
    if (i > 0 && files[i].path == files[i - 1].path) return InvalidArgument("path '" + files[i].path + "' appears twice");
    listing += files[i].mode == 0755 ? "100755 " : "100644 ";
    listing += files[i].sha256;
    listing += ' ';
    listing += files[i].path;
    listing += '\n';
  }
  return Sha256Hex(listing);
}

Result<std::vector<CodeFile>> Describe(const std::vector<TreeFile>& files) {
  std::vector<CodeFile> out;
  out.reserve(files.size());
  for (const TreeFile& f : files) {
    RETURN_IF_ERROR(ValidateCodePath(f.path));
    out.push_back({f.path, CanonicalMode(static_cast<unsigned>(f.mode)), Sha256Hex(f.content), static_cast<int64_t>(f.content.size())});
  }
  std::sort(out.begin(), out.end(), [](const CodeFile& a, const CodeFile& b) { return a.path < b.path; });
  for (size_t i = 1; i < out.size(); ++i)
    if (out[i].path == out[i - 1].path) return InvalidArgument("path '" + out[i].path + "' appears twice");
  return out;
}

}  // namespace moebius::envcode
