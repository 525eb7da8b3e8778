// JSON of the labeling objects, shared by the labeling routes.
#pragma once

#include "base/json.h"
#include "label/label_types.h"

namespace moebius::api {

Json LabelSchemaJson(const label::LabelSchema& s);
Json LabelProjectJson(const label::LabelProject& p);
Json LabelItemJson(const label::LabelItem& i);
// `with_annotation` false leaves the annotation out (lists of many assignments).
Json AssignmentJson(const label::Assignment& a, bool with_annotation);
Json LabelEventJson(const label::LabelEvent& e);

}  // namespace moebius::api
