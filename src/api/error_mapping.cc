#include "api/error_mapping.h"

namespace moebius::api {

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument:
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kConflict: return 409;
    case StatusCode::kTooLarge: return 413;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUpstream: return 502;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

const char* ErrorCodeOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "INVALID_PARAMETER_VALUE";
    case StatusCode::kAlreadyExists: return "RESOURCE_ALREADY_EXISTS";
    case StatusCode::kFailedPrecondition: return "INVALID_STATE";
    case StatusCode::kUnauthenticated: return "UNAUTHENTICATED";
    case StatusCode::kPermissionDenied: return "PERMISSION_DENIED";
    case StatusCode::kNotFound: return "RESOURCE_DOES_NOT_EXIST";
    case StatusCode::kConflict: return "CONFLICT";
    case StatusCode::kTooLarge: return "RESOURCE_LIMIT_EXCEEDED";
    case StatusCode::kResourceExhausted: return "REQUEST_LIMIT_EXCEEDED";
    case StatusCode::kUpstream: return "BAD_GATEWAY";
    case StatusCode::kUnavailable: return "TEMPORARILY_UNAVAILABLE";
    case StatusCode::kInternal: return "INTERNAL_ERROR";
  }
  return "INTERNAL_ERROR";
}

HttpResponse JsonResponse(const Json& body, int http_status) {
  return HttpResponse::Json(http_status, body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

HttpResponse ErrorResponse(const Status& status) {
  Json body = Json::object();
  if (!status.details_json().empty()) {
    Json details = Json::parse(status.details_json(), nullptr, false);
    if (details.is_object()) body = std::move(details);
  }
  body["error_code"] = status.reason().empty() ? ErrorCodeOf(status.code()) : status.reason();
  body["message"] = status.message();
  // No WWW-Authenticate challenge on 401: it would make browsers pop a Basic-auth dialog over
  // the UI's own login page; MLflow clients send Basic credentials without being asked.
  HttpResponse resp = JsonResponse(body, HttpStatusOf(status.code()));
  if (status.retry_after_seconds() > 0) resp.headers.emplace_back("Retry-After", std::to_string(status.retry_after_seconds()));
  return resp;
}

HttpResponse V2ErrorResponse(const Status& status) {
  HttpResponse resp = JsonResponse(Json{{"error", status.message()}}, HttpStatusOf(status.code()));
  if (status.retry_after_seconds() > 0) resp.headers.emplace_back("Retry-After", std::to_string(status.retry_after_seconds()));
  return resp;
}

}  // namespace moebius::api
