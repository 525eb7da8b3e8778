// Status and Result<T>: how every fallible call in Moebius reports failure.
//
// A Status is either OK or carries a code and a message meant for the person who caused it.
// Codes are transport-neutral; the HTTP edge (src/api/error_mapping.cc, ErrorResponse) is the
// only place that turns them into status lines and MLflow error codes. A Status may also carry a
// reason — a machine-readable name more precise than the code, which the edge sends as the
// `error_code` (e.g. "CRITERIA_NOT_MET") — and details, a JSON object whose fields the edge adds
// to the error body (e.g. the criteria report of a refused confirmation).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace moebius {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // the caller sent something malformed or out of range
  kNotFound,           // the named resource does not exist (or is hidden from the caller)
  kAlreadyExists,      // a resource with that identity already exists
  kFailedPrecondition, // the request is well formed but the resource's state forbids it
  kConflict,           // the request conflicts with what was already done (409), e.g. confirmed twice
  kUnauthenticated,    // no or bad credentials
  kPermissionDenied,   // credentials fine, role lacks the permission
  kTooLarge,           // a body, upload or field exceeded a configured limit
  kResourceExhausted,  // rate or quota limits
  kUnavailable,        // transient: retry may succeed
  kUpstream,           // a system this server calls for the request (a SQL source) failed (502)
  kInternal,           // a bug or an environment failure (disk, database)
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

  // Prefixes the message with context ("reading manifest: ...") keeping the code, reason and details.
  Status WithContext(const std::string& context) const;

  // A copy with a reason (an UPPER_SNAKE name) and details (the text of a JSON object, or empty).
  Status WithReason(std::string reason, std::string details_json = "") const;
  // Empty when none was set.
  const std::string& reason() const;
  const std::string& details_json() const;
  // A rate limit's hint: the caller may retry after this many seconds (0: no hint). The HTTP
  // edge sends it as Retry-After.
  Status WithRetryAfter(int seconds) const;
  int retry_after_seconds() const { return extra_ ? extra_->retry_after_seconds : 0; }

 private:
  struct Extra {
    std::string reason;
    std::string details_json;
    int retry_after_seconds = 0;
  };
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::shared_ptr<const Extra> extra_;  // shared: a Status is copied often and rarely has one
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
inline Status Upstream(std::string m) { return {StatusCode::kUpstream, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status TooLarge(std::string m) { return {StatusCode::kTooLarge, std::move(m)}; }
inline Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Result<T> holds either a value or a non-OK Status. Accessing value() of an error is a bug
// and aborts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    if (std::get<Status>(v_).ok()) v_ = Status(StatusCode::kInternal, "Result built from OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { Check(); return std::get<T>(v_); }
  const T& value() const& { Check(); return std::get<T>(v_); }
  T&& value() && { Check(); return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  void Check() const;
  std::variant<T, Status> v_;
};

[[noreturn]] void DieOnBadResultAccess(const Status& s);

template <typename T>
void Result<T>::Check() const {
  if (!ok()) DieOnBadResultAccess(std::get<Status>(v_));
}

}  // namespace moebius

#define MOEBIUS_CONCAT_INNER(a, b) a##b
#define MOEBIUS_CONCAT(a, b) MOEBIUS_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if `expr` is not OK.
#define RETURN_IF_ERROR(expr)                         \
  do {                                                \
    ::moebius::Status _st = (expr);                   \
    if (!_st.ok()) return _st;                        \
  } while (0)

// ASSIGN_OR_RETURN(auto x, MakeX()); declares x from a Result or returns its Status.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL(MOEBIUS_CONCAT(_res_, __LINE__), lhs, rexpr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                          \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()
