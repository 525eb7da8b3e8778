#include "jobs/failure_reason.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace moebius::jobs {
namespace {

// Drops ANSI escape sequences (ESC [ ... letter) and carriage returns, and trims.
std::string Clean(std::string_view line) {
  std::string out;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\x1b') {
      if (i + 1 < line.size() && line[i + 1] == '[') {
        i += 2;
        while (i < line.size() && !std::isalpha(static_cast<unsigned char>(line[i]))) ++i;
      }
      continue;
    }
    if (c == '\r') continue;
    out.push_back(c);
  }
  size_t b = out.find_first_not_of(" \t"), e = out.find_last_not_of(" \t");
  return b == std::string::npos ? "" : out.substr(b, e - b + 1);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool ReadsAsError(const std::string& line) {
  const std::string l = Lower(line);
  for (const char* w : {"error", "fatal", "failed", "exception", "not found", "denied", "killed", "panic", "abort", "traceback"})
    if (l.find(w) != std::string::npos) return true;
  return false;
}

// A Python traceback's exception line: the first unindented line after "Traceback (most recent
// call last):" and its indented frames.
bool IsExceptionLine(const std::vector<std::string>& raw, size_t i) {
  if (raw[i].empty() || raw[i][0] == ' ' || raw[i][0] == '\t') return false;
  for (size_t k = i; k-- > 0;) {
    if (raw[k].rfind("Traceback (most recent call last)", 0) == 0) return true;
    if (!raw[k].empty() && raw[k][0] != ' ' && raw[k][0] != '\t') return false;
  }
  return false;
}

std::string Cut(std::string s, size_t max_chars) {
  if (s.size() <= max_chars) return s;
  size_t n = max_chars;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // not inside a UTF-8 sequence
  return s.substr(0, n) + "…";
}

}  // namespace

std::string FailureReason(std::string_view log_tail, size_t max_chars) {
  std::vector<std::string> raw;
  size_t start = 0;
  while (start <= log_tail.size()) {
    size_t nl = log_tail.find('\n', start);
    std::string_view line = log_tail.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    std::string kept(line);
    kept.erase(std::remove(kept.begin(), kept.end(), '\r'), kept.end());
    raw.push_back(std::move(kept));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  for (size_t i = raw.size(); i-- > 0;)
    if (IsExceptionLine(raw, i)) return Cut(Clean(raw[i]), max_chars);
  std::string last;
  for (size_t i = raw.size(); i-- > 0;) {
    std::string c = Clean(raw[i]);
    if (c.empty()) continue;
    // The worker's own notes ("[moebius] job 7 attempt 1 on worker ...") are no reason unless
    // they name an error.
    if (last.empty() && c.rfind("[moebius]", 0) != 0) last = c;
    if (ReadsAsError(c) && Lower(c).rfind("traceback", 0) != 0) return Cut(c, max_chars);
  }
  return Cut(last, max_chars);
}

}  // namespace moebius::jobs
