// The exact fast path for decimal numbers, shared by ColumnBuilder (whole fields) and the CSV
// reader's numeric-record path (fields read in place, up to their delimiter). Internal.
//
// A decimal of at most 19 significant digits whose digits form an integer m <= 2^53 and whose
// power of ten e satisfies |e| <= 22 is exactly m * 10^e or m / 10^e rounded once (Clinger's
// fast path): both operands are exact doubles, so the one IEEE operation gives the correctly
// rounded value, the same one std::from_chars gives. Anything else is left to from_chars.
//
// Defined in the header so that the reader's per-field loop can inline it.
//
// Thread safety: pure functions.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace moebius::data::internal {

static_assert(std::endian::native == std::endian::little, "the SWAR digit reader loads bytes little-endian");

// The number of leading ASCII digits in the 8 bytes of `x` (first byte lowest). A byte below '0'
// wraps when 0x30 is subtracted, one above '9' carries into bit 7 when 0x46 is added; borrows
// and carries only move toward later bytes, so the first non-digit is always flagged.
inline int LeadingDigits8(uint64_t x) {
  uint64_t flags = ((x - 0x3030303030303030ull) | (x + 0x4646464646464646ull)) & 0x8080808080808080ull;
  return flags == 0 ? 8 : __builtin_ctzll(flags) >> 3;
}

// The value of the first n (1..8) digits of `x` (ASCII, first byte lowest), three multiplies
// for all eight (SWAR; the digits are shifted up so that zero bytes lead).
inline uint64_t DigitsValue8(uint64_t x, int n) {
  uint64_t v = (x - 0x3030303030303030ull) << (8 * (8 - n));
  v = v * 10 + (v >> 8);
  v = (((v & 0x000000FF000000FFull) * 0x000F424000000064ull) +
       (((v >> 16) & 0x000000FF000000FFull) * 0x0000271000000001ull)) >> 32;
  return v;
}

// Reads the run of decimal digits at [p, e) into *mant (times ten per digit, plus the digit)
// and counts them in *count. Eight bytes at a time where they are there, so the variable field
// lengths cost no mispredicted loop exits. The accumulator wraps past 19 digits; callers reject
// those numbers by *count.
[[gnu::always_inline]] inline const char* ReadDecimalDigits(const char* p, const char* e, uint64_t* mant, int* count) {
  static constexpr uint64_t kScale[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  while (e - p >= 8) {
    uint64_t x;
    std::memcpy(&x, p, 8);
    int n = LeadingDigits8(x);
    if (n == 0) return p;
    *mant = *mant * kScale[n] + DigitsValue8(x, n);
    *count += n;
    p += n;
    if (n < 8) return p;
  }
  for (; p < e && static_cast<unsigned>(*p - '0') < 10; ++p, ++*count) {
    *mant = *mant * 10 + static_cast<unsigned>(*p - '0');
  }
  return p;
}

// Parses the simple decimal `[+-]digits[.digits][(e|E)[+-]digits]` that starts at p and ends at
// the first byte that cannot continue it (or at e). Returns that end and sets *v, and *integral
// when the text has neither a point nor an exponent; returns nullptr, leaving *v unspecified,
// when the text there is not a number of the exact fast path (no digits, more than 19 digits,
// mantissa above 2^53, power of ten beyond ±22, an exponent without digits).
[[gnu::always_inline]] inline const char* ParseSimpleDecimalPrefix(const char* p, const char* e, double* v, bool* integral) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  // Branch-free sign: in columns centred near zero it is a coin toss for the predictor.
  const bool neg = p < e && *p == '-';
  p += (p < e && (*p == '-' || *p == '+')) ? 1 : 0;
  uint64_t mant = 0;
  int ndigits = 0, exp10 = 0;
  p = ReadDecimalDigits(p, e, &mant, &ndigits);
  *integral = true;
  if (p < e && *p == '.') {
    *integral = false;
    int before = ndigits;
    p = ReadDecimalDigits(p + 1, e, &mant, &ndigits);
    exp10 = before - ndigits;
  }
  if (ndigits == 0 || ndigits > 19) return nullptr;
  if (p < e && (*p == 'e' || *p == 'E')) {
    *integral = false;
    ++p;
    bool eneg = false;
    if (p < e && (*p == '-' || *p == '+')) eneg = *p++ == '-';
    int x = 0, xd = 0;
    for (; p < e && static_cast<unsigned>(*p - '0') < 10 && xd < 6; ++p, ++xd) x = x * 10 + (*p - '0');
    if (xd == 0) return nullptr;
    exp10 += eneg ? -x : x;
  }
  if (mant > (uint64_t{1} << 53) || exp10 < -22 || exp10 > 22) return nullptr;
  double d = static_cast<double>(mant);
  d = exp10 < 0 ? d / kPow10[-exp10] : d * kPow10[exp10];
  *v = neg ? -d : d;
  return p;
}

// The same for text that must be the number and nothing else.
inline bool ParseSimpleDecimal(const char* p, const char* e, double* v, bool* integral) {
  const char* end = ParseSimpleDecimalPrefix(p, e, v, integral);
  return end != nullptr && end == e;
}

}  // namespace moebius::data::internal
