// The text trainer's tokenizer (no torch): UTF-8 decoding, case folding, splitting into words on
// whitespace and punctuation, fastText-style character n-grams of a word, and the 32-bit FNV-1a
// hash that maps n-grams to buckets.
//
//   - Decoding: UTF-8 into code points; an invalid or truncated sequence becomes U+FFFD (one per
//     bad byte), so any byte string tokenizes and the same bytes always give the same words.
//   - Width folding: full-width ASCII variants (U+FF01..U+FF5E) become ASCII, so "ＡＢＣ！" is
//     "abc" and "!" (the only normalization: NFC/NFKC need ICU's tables, which Moebius does not
//     link; a decomposed Hangul syllable (jamo sequence) therefore stays different from the
//     precomposed one).
//   - Case: kNone keeps text as is; kAscii lower-cases A-Z; kSimple also folds Latin-1,
//     Latin Extended-A, basic Greek and basic Cyrillic capitals to their small letters (simple
//     one-to-one mappings; Hangul and CJK have no case).
//   - Separators: Unicode whitespace (including U+3000 ideographic space and zero-width space),
//     C0 controls, ASCII punctuation and symbols, Latin-1 punctuation, General Punctuation
//     (U+2010..U+205E), CJK Symbols and Punctuation (U+3001..U+3020, U+3030, U+303D, U+30FB), CJK
//     compatibility and small forms (U+FE30..U+FE6B) and half-width CJK punctuation
//     (U+FF61..U+FF65). Everything else (letters, digits, Hangul, kana, ideographs, emoji) is
//     part of a word. Separators are dropped; they never become tokens.
//   - Character n-grams: of "<" + word + ">", every substring of minn..maxn code points, except a
//     lone "<" or ">" (fastText's rule; the whole bounded word is included when short enough).
//     "데이터를" and "데이터가" share "<데", "데이", "이터", "<데이", "데이터", "<데이터".
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace moebius::train::text {

enum class CaseMode { kNone, kAscii, kSimple };

const char* CaseModeName(CaseMode m);
// "none" | "ascii" | "simple"; anything else is kInvalidArgument.
Result<CaseMode> ParseCaseMode(const std::string& name);

// Code points of `s`; invalid bytes become U+FFFD.
std::u32string DecodeUtf8(std::string_view s);
void AppendUtf8(std::string& out, char32_t c);

// Width folding then case folding of one code point.
char32_t FoldChar(char32_t c, CaseMode mode);
// Whitespace or punctuation (after width folding).
bool IsSeparator(char32_t c);

// The words of `text`, folded, in order.
std::vector<std::string> Tokenize(std::string_view text, CaseMode mode);

// The character n-grams of `word` (as UTF-8), bounded by '<' and '>', lengths minn..maxn code
// points; empty when maxn == 0.
std::vector<std::string> CharNgrams(std::string_view word, int minn, int maxn);

// 32-bit FNV-1a over the bytes (offset basis 2166136261, prime 16777619). fastText's own hash is
// the same function but sign-extends bytes >= 0x80 (its char is signed), so for non-ASCII text
// the values differ from fastText's: feature ids are ours, not fastText-compatible.
uint32_t Fnv1a32(std::string_view bytes);

}  // namespace moebius::train::text
