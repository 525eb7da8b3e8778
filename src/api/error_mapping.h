// The one place a Status becomes HTTP (DESIGN.md section 6): the status line, the MLflow-style
// `error_code` and the JSON error body {"error_code", "message", ...details}. Handlers return a
// Status (with a reason and details when the code alone says too little) and never build an
// error response themselves.
#pragma once

#include "api/http_types.h"
#include "base/json.h"
#include "base/status.h"

namespace moebius::api {

int HttpStatusOf(StatusCode code);
// The MLflow error code of `code` (INVALID_PARAMETER_VALUE, RESOURCE_DOES_NOT_EXIST, ...).
const char* ErrorCodeOf(StatusCode code);
// {"error_code": status.reason() or ErrorCodeOf(code), "message": ..., <details' fields>}.
HttpResponse ErrorResponse(const Status& status);
HttpResponse JsonResponse(const Json& body, int http_status = 200);
// The KServe v2 protocol's error: {"error": "<message>"} with the same HTTP status.
HttpResponse V2ErrorResponse(const Status& status);

}  // namespace moebius::api
