// Clang thread-safety annotations; no-ops on other compilers. Members guarded by a mutex are
// marked GUARDED_BY(mu_) so the locking rule is written where the data is.
#pragma once
#if defined(__clang__)
#define GUARDED_BY(x) __attribute__((guarded_by(x)))
#define REQUIRES(...) __attribute__((requires_capability(__VA_ARGS__)))
#else
#define GUARDED_BY(x)
#define REQUIRES(...)
#endif
