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
    case StatusCode::kConflict: return "CONFLICT";
    case StatusCode::kUnauthenticated: return "UNAUTHENTICATED";
    case StatusCode::kPermissionDenied: return "PERMISSION_DENIED";
    case StatusCode::kTooLarge: return "TOO_LARGE";
    case StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case StatusCode::kUnavailable: return "UNAVAILABLE";
    case StatusCode::kUpstream: return "UPSTREAM";
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
  out.extra_ = extra_;
  return out;
}

Status Status::WithReason(std::string reason, std::string details_json) const {
  if (ok()) return *this;
  Status out(code_, message_);
  out.extra_ = std::make_shared<const Extra>(Extra{std::move(reason), std::move(details_json), retry_after_seconds()});
  return out;
}

Status Status::WithRetryAfter(int seconds) const {
  if (ok()) return *this;
  Status out(code_, message_);
  out.extra_ = std::make_shared<const Extra>(Extra{reason(), details_json(), seconds > 0 ? seconds : 0});
  return out;
}

const std::string& Status::reason() const {
  static const std::string kNone;
  return extra_ ? extra_->reason : kNone;
}

const std::string& Status::details_json() const {
  static const std::string kNone;
  return extra_ ? extra_->details_json : kNone;
}

void DieOnBadResultAccess(const Status& s) {
  std::fprintf(stderr, "fatal: value() of failed Result: %s\n", s.ToString().c_str());
  std::abort();
}

}  // namespace moebius
