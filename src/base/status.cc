#include "base/status.h"

#include <cstdio>
#include <cstdlib>

namespace moebius {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case StatusCode::kNotFound: return "NOT_FOUND";
    case StatusCode::kAlreadyExists: return "ALREADY_EXISTS";
    case StatusCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case StatusCode::kUnauthenticated: return "UNAUTHENTICATED";
    case StatusCode::kPermissionDenied: return "PERMISSION_DENIED";
    case StatusCode::kTooLarge: return "TOO_LARGE";
    case StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case StatusCode::kUnavailable: return "UNAVAILABLE";
    case StatusCode::kInternal: return "INTERNAL";
  }
  return "UNKNOWN";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  Status out(code_, context + ": " + message_);
  out.retry_after_seconds_ = retry_after_seconds_;
  return out;
}

Status Status::WithRetryAfter(int seconds) const {
  Status out = *this;
  out.retry_after_seconds_ = seconds > 0 ? seconds : 0;
  return out;
}

void DieOnBadResultAccess(const Status& s) {
  std::fprintf(stderr, "fatal: value() of failed Result: %s\n", s.ToString().c_str());
  std::abort();
}

}  // namespace moebius
