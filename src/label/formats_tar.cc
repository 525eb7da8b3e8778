#include <cstdio>
#include <algorithm>
#include <cstring>

#include "label/formats.h"

namespace moebius::label {
namespace {

void Octal(char* field, size_t width, uint64_t value) {
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), static_cast<unsigned long long>(value));
}

uint64_t ParseOctal(const char* field, size_t width) {
  uint64_t v = 0;
  for (size_t i = 0; i < width && field[i]; ++i) {
    if (field[i] == ' ') continue;
    if (field[i] < '0' || field[i] > '7') break;
    v = v * 8 + static_cast<uint64_t>(field[i] - '0');
  }
  return v;
}

}  // namespace

std::string TarHeader(const std::string& path, size_t size) {
  char h[512];
  std::memset(h, 0, sizeof h);
  std::string name = path, prefix;
  if (name.size() > 100) {  // ustar: prefix (155) + "/" + name (100)
    size_t cut = name.rfind('/', 155);
    if (cut != std::string::npos && name.size() - cut - 1 <= 100) {
      prefix = name.substr(0, cut);
      name = name.substr(cut + 1);
    }
  }
  std::memcpy(h, name.data(), std::min<size_t>(name.size(), 100));
  Octal(h + 100, 8, 0644);
  Octal(h + 108, 8, 0);
  Octal(h + 116, 8, 0);
  Octal(h + 124, 12, size);
  Octal(h + 136, 12, 0);  // fixed time: the same export gives the same bytes
  std::memset(h + 148, ' ', 8);
  h[156] = '0';
  std::memcpy(h + 257, "ustar\0" "00", 8);
  std::memcpy(h + 345, prefix.data(), std::min<size_t>(prefix.size(), 155));
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(h + 148, 8, "%06o", sum);
  h[155] = ' ';
  return std::string(h, sizeof h);
}

std::string TarPadding(size_t size) { return std::string((512 - size % 512) % 512, '\0'); }

std::string TarEnd() { return std::string(1024, '\0'); }

Result<std::vector<std::pair<std::string, std::string>>> ReadTar(std::string_view bytes) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t at = 0;
  std::string long_name;
  while (at + 512 <= bytes.size()) {
    const char* h = bytes.data() + at;
    if (std::all_of(h, h + 512, [](char c) { return c == 0; })) break;
    unsigned sum = 0;
    for (size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
    if (sum != ParseOctal(h + 148, 8)) return InvalidArgument("the tar archive has a damaged header at byte " + std::to_string(at));
    uint64_t size = ParseOctal(h + 124, 12);
    if (at + 512 + size > bytes.size()) return InvalidArgument("the tar archive ends inside an entry");
    std::string name(h, strnlen(h, 100));
    std::string prefix(h + 345, strnlen(h + 345, 155));
    if (std::memcmp(h + 257, "ustar", 5) == 0 && !prefix.empty()) name = prefix + "/" + name;
    std::string data(bytes.substr(at + 512, size));
    char type = h[156];
    if (type == 'L') {  // GNU long name for the next entry
      long_name = std::string(data.c_str());
    } else if (type == '0' || type == '\0') {
      if (!long_name.empty()) name = long_name, long_name.clear();
      while (name.rfind("./", 0) == 0) name = name.substr(2);
      out.push_back({name, std::move(data)});
    } else {
      long_name.clear();  // directories, links and pax headers carry no labels
    }
    at += 512 + size + (512 - size % 512) % 512;
  }
  return out;
}

}  // namespace moebius::label
