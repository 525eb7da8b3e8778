#include "train/torch/text_tokenizer.h"

namespace moebius::train::text {

const char* CaseModeName(CaseMode m) {
  switch (m) {
    case CaseMode::kNone: return "none";
    case CaseMode::kAscii: return "ascii";
    case CaseMode::kSimple: return "simple";
  }
  return "simple";
}

Result<CaseMode> ParseCaseMode(const std::string& name) {
  if (name == "none") return CaseMode::kNone;
  if (name == "ascii") return CaseMode::kAscii;
  if (name == "simple") return CaseMode::kSimple;
  return InvalidArgument("unknown --case '" + name.substr(0, 64) + "': use none, ascii or simple");
}

std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    }
    int len = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    char32_t c = len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    bool ok = len > 0 && i + len <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      unsigned char cb = static_cast<unsigned char>(s[i + k]);
      if ((cb & 0xC0) != 0x80) ok = false;
      else c = (c << 6) | (cb & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid too.
    if (ok) {
      char32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
      if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) ok = false;
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(c);
    i += len;
  }
  return out;
}

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

namespace {

char32_t SimpleFold(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 0x20;
  if (c < 0xC0) return c;
  if (c <= 0xDE) return c == 0xD7 ? c : c + 0x20;  // Latin-1 capitals (not ×)
  if (c >= 0x100 && c <= 0x17F) {                   // Latin Extended-A
    if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149) return c;  // İ ı ĸ ŉ: no simple pair
    if (c == 0x178) return 0xFF;                                        // Ÿ → ÿ
    if (c == 0x17F) return 's';                                         // ſ folds to s
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c % 2 == 1) ? c + 1 : c;
    return (c % 2 == 0) ? c + 1 : c;
  }
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 0x20;  // Greek capitals
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;                // Cyrillic А..Я
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;                // Ѐ..Џ
  return c;
}

}  // namespace

char32_t FoldChar(char32_t c, CaseMode mode) {
  if (c >= 0xFF01 && c <= 0xFF5E) c = c - 0xFF01 + 0x21;  // full-width ASCII variants
  switch (mode) {
    case CaseMode::kNone: return c;
    case CaseMode::kAscii: return (c >= 'A' && c <= 'Z') ? c + 0x20 : c;
    case CaseMode::kSimple: return SimpleFold(c);
  }
  return c;
}

bool IsSeparator(char32_t c) {
  if (c <= 0x20 || c == 0x7F) return true;  // controls and space
  if (c < 0x7F) return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
  if (c >= 0x80 && c <= 0xA0) return true;  // C1 controls, NEL, no-break space
  if (c >= 0xA1 && c <= 0xBF) {
    // Latin-1 punctuation and symbols; ª ² ³ µ ¹ º ¼ ½ ¾ are letters or numbers.
    return !(c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 || c == 0xBA || (c >= 0xBC && c <= 0xBE));
  }
  if (c == 0xD7 || c == 0xF7) return true;
  if (c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 ||
      c == 0xFEFF)
    return true;  // Unicode spaces
  if ((c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E)) return true;  // General Punctuation
  if ((c >= 0x3001 && c <= 0x3004) || (c >= 0x3008 && c <= 0x3020) || c == 0x3030 || c == 0x303D || c == 0x30FB) return true;
  if (c >= 0xFE30 && c <= 0xFE6B) return true;  // CJK compatibility and small forms
  if (c >= 0xFF61 && c <= 0xFF65) return true;  // half-width CJK punctuation
  return false;
}

std::vector<std::string> Tokenize(std::string_view text, CaseMode mode) {
  std::vector<std::string> words;
  std::string cur;
  for (char32_t c : DecodeUtf8(text)) {
    c = FoldChar(c, mode);
    if (IsSeparator(c)) {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    AppendUtf8(cur, c);
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

std::vector<std::string> CharNgrams(std::string_view word, int minn, int maxn) {
  std::vector<std::string> out;
  if (maxn <= 0) return out;
  std::u32string w = U"<" + DecodeUtf8(word) + U">";
  const size_t len = w.size();
  for (size_t i = 0; i < len; ++i) {
    std::string gram;
    for (size_t n = 1; n <= static_cast<size_t>(maxn) && i + n <= len; ++n) {
      AppendUtf8(gram, w[i + n - 1]);
      if (n < static_cast<size_t>(minn)) continue;
      if (n == 1 && (i == 0 || i + 1 == len)) continue;  // a lone boundary marker
      out.push_back(gram);
    }
  }
  return out;
}

uint32_t Fnv1a32(std::string_view bytes) {
  uint32_t h = 2166136261u;
  for (unsigned char b : bytes) {
    h ^= b;
    h *= 16777619u;
  }
  return h;
}

}  // namespace moebius::train::text
