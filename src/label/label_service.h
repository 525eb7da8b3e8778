// Labeling projects (LBL-1 to LBL-5): made over a dataset version's items with a schema version,
// cut into batches, assigned to labelers (by hand or round-robin with N labelers per item),
// annotated (autosaved drafts, submissions checked against the schema and the item), reviewed
// (accept, or reject with a comment), and finished into a labeled dataset version whose items
// carry their accepted annotation in meta "annotations".
//
// Thread-safety: thread-safe (state lives in the stores).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/json_reader.h"
#include "base/status.h"
#include "data/data_store.h"
#include "label/agreement.h"
#include "label/formats.h"
#include "label/label_schema.h"
#include "label/label_store.h"

namespace moebius::label {

struct CreateProjectRequest {
  int64_t project_id = 0;
  std::string name;
  std::string description;
  std::string dataset;
  int64_t data_version = 0;
  std::string schema;
  std::optional<int64_t> schema_version;  // latest when empty
  int64_t overlap = 1;
  int64_t batch_size = 100;
  std::string path_prefix;  // only items under it (empty: all)
  std::string user;
};

struct AssignRequest {
  std::string mode;                    // "round_robin" or "manual"
  std::vector<std::string> labelers;   // round_robin: the pool; manual: exactly one
  std::optional<int64_t> overlap;      // round_robin: labelers per item (default: the project's)
  std::vector<int64_t> batches;        // only these batches (empty: all, unless items are given)
  std::vector<int64_t> items;          // only these item ids
  std::string user;
};

// Who acts on an assignment: the assignee, or someone allowed to act for every labeler.
struct Actor {
  std::string username;
  bool any_assignment = false;
};

class LabelService {
 public:
  LabelService(LabelStore& store, data::DataStore& data) : store_(store), data_(data) {}

  LabelStore& store() { return store_; }

  Result<LabelSchema> SaveSchema(int64_t project_id, const std::string& name, const JsonReader& spec, const std::string& user);

  Result<LabelProject> Create(const CreateProjectRequest& rq);
  // Returns how many assignments were added.
  Result<int64_t> Assign(const LabelProject& p, const AssignRequest& rq);

  // The item's bytes (its image, text, QA JSON or table).
  Result<std::string> ItemBytes(const LabelItem& item);
  // What the annotation checks know of an item of this schema's task type.
  Result<ItemContext> ContextOf(const LabelSchema& schema, const LabelItem& item);

  // Saves a draft (`submit` false: state in_progress) or submits (checked as complete).
  Result<Assignment> Save(const LabelProject& p, int64_t assignment_id, const Json& annotation, bool submit, const Actor& actor);
  // accept or reject a submitted assignment; a rejection needs a comment.
  Result<Assignment> Review(const LabelProject& p, int64_t assignment_id, bool accept, const std::string& comment, const std::string& reviewer);

  // Counts by state, by labeler and state, by batch, and by class (of submitted and accepted work).
  Result<Json> Progress(const LabelProject& p);

  // Each item's final annotation: its latest accepted assignment's. Items without one are absent.
  Result<std::vector<std::pair<LabelItem, Json>>> FinalAnnotations(const LabelProject& p);

  // Agreement of the submitted and accepted annotations of items with two or more labelers.
  Result<Json> Agreement(const LabelProject& p, const AgreementOptions& options = {});

  // The items and annotations an export writes: each item's accepted annotation, or with
  // `include_submitted` its latest submitted or accepted one. Image sizes and texts are read
  // from the items as the format needs them.
  Result<std::vector<ExportItem>> ExportItems(const LabelProject& p, bool include_submitted);
  // Parses `bytes` in `format`, checks every annotation against the schema and its item, and
  // stores them all as `labeler`'s submitted annotations — or, on the first problem, nothing
  // (kInvalidArgument naming the item). Returns how many items were imported.
  Result<int64_t> Import(const LabelProject& p, const std::string& format, std::string_view bytes, const std::string& labeler,
                         const std::string& actor);

  // Makes the labeled dataset version and closes the project. Without `allow_partial`, every
  // item must have an accepted annotation.
  Result<data::Version> Finish(const LabelProject& p, const std::string& message, bool allow_partial, const std::string& user);

 private:
  // Sets "text" of each NER span and QA answer from the item, so exports and agreement read it.
  Status FillTexts(const LabelSchema& schema, const LabelItem& item, Json* annotation);

  LabelStore& store_;
  data::DataStore& data_;
};

// The context of a QA item: the "context" of a JSON item {"context", "question"}, or the text.
Result<std::string> QaContext(const std::string& path, const std::string& bytes);

}  // namespace moebius::label
