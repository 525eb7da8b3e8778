#include "label/label_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/strings.h"
#include "data/image/image.h"

namespace moebius::label {
namespace {

bool Editable(const std::string& state) { return state == "todo" || state == "in_progress" || state == "rejected"; }

}  // namespace

Result<std::string> QaContext(const std::string& path, const std::string& bytes) {
  if (!EndsWith(ToLower(path), ".json")) return bytes;
  Json j = Json::parse(bytes, nullptr, false);
  if (!j.is_object() || !j.contains("context") || !j["context"].is_string())
    return InvalidArgument("QA item '" + path + "' must be a JSON object with a string \"context\" (and a \"question\")");
  return j["context"].get<std::string>();
}

Result<LabelSchema> LabelService::SaveSchema(int64_t project_id, const std::string& name, const JsonReader& spec, const std::string& user) {
  if (name.empty() || name.size() > 100 || name.find('/') != std::string::npos)
    return InvalidArgument("a schema's name must be 1 to 100 bytes without '/'");
  ASSIGN_OR_RETURN(Json parsed, ParseSchemaSpec(spec));
  return store_.SaveSchema(project_id, name, parsed, user);
}

Result<LabelProject> LabelService::Create(const CreateProjectRequest& rq) {
  if (rq.name.empty() || rq.name.size() > 100 || rq.name.find('/') != std::string::npos)
    return InvalidArgument("a labeling project's name must be 1 to 100 bytes without '/'");
  if (rq.overlap < 1 || rq.overlap > 10) return InvalidArgument("overlap (labelers per item) must be 1 to 10");
  if (rq.batch_size < 1 || rq.batch_size > 100000) return InvalidArgument("batch_size must be 1 to 100000");
  if (rq.description.size() > 10000) return InvalidArgument("description must be at most 10000 bytes");
  ASSIGN_OR_RETURN(LabelSchema schema, store_.GetSchema(rq.project_id, rq.schema, rq.schema_version));
  ASSIGN_OR_RETURN(data::Dataset ds, data_.GetDataset(rq.project_id, rq.dataset));
  ASSIGN_OR_RETURN(data::Version v, data_.GetVersion(ds.id, rq.data_version));
  ASSIGN_OR_RETURN(std::vector<data::ManifestEntry> entries, data_.Materialize(v));
  std::vector<LabelItem> items;
  for (const auto& e : entries) {
    if (!rq.path_prefix.empty() && !StartsWith(e.path, rq.path_prefix)) continue;
    LabelItem it;
    it.path = e.path;
    it.sha256 = e.sha256;
    it.size = e.size;
    it.batch = static_cast<int64_t>(items.size()) / rq.batch_size + 1;
    items.push_back(std::move(it));
  }
  if (items.empty()) return InvalidArgument("the version has no items" + (rq.path_prefix.empty() ? std::string() : " under '" + rq.path_prefix + "'"));
  LabelProject p;
  p.project_id = rq.project_id;
  p.name = rq.name;
  p.description = rq.description;
  p.dataset_id = ds.id;
  p.dataset = ds.name;
  p.data_version = v.number;
  p.schema_id = schema.id;
  p.overlap = rq.overlap;
  p.batch_size = rq.batch_size;
  p.created_by = rq.user;
  return store_.CreateProject(std::move(p), items);
}

Result<int64_t> LabelService::Assign(const LabelProject& p, const AssignRequest& rq) {
  if (p.state != "open") return FailedPrecondition("labeling project '" + p.name + "' is finished");
  if (rq.labelers.empty()) return InvalidArgument("name at least one labeler");
  std::set<std::string> unique(rq.labelers.begin(), rq.labelers.end());
  if (unique.size() != rq.labelers.size()) return InvalidArgument("a labeler is named twice");
  ASSIGN_OR_RETURN(std::vector<LabelItem> all, store_.Items(p.id));
  std::set<int64_t> wanted_items(rq.items.begin(), rq.items.end());
  std::set<int64_t> wanted_batches(rq.batches.begin(), rq.batches.end());
  std::set<int64_t> known;
  std::vector<int64_t> chosen;
  for (const LabelItem& it : all) {
    known.insert(it.id);
    bool in_items = wanted_items.empty() || wanted_items.count(it.id);
    bool in_batches = wanted_batches.empty() || wanted_batches.count(it.batch);
    if (in_items && in_batches) chosen.push_back(it.id);
  }
  for (int64_t id : wanted_items)
    if (!known.count(id)) return InvalidArgument("item " + std::to_string(id) + " is not an item of labeling project '" + p.name + "'");
  if (chosen.empty()) return InvalidArgument("no item matches the batches and items given");
  std::vector<std::pair<int64_t, std::string>> pairs;
  if (rq.mode == "manual") {
    if (rq.labelers.size() != 1) return InvalidArgument("a manual assignment names one labeler");
    for (int64_t id : chosen) pairs.push_back({id, rq.labelers[0]});
  } else if (rq.mode == "round_robin") {
    int64_t overlap = rq.overlap.value_or(p.overlap);
    if (overlap < 1 || overlap > static_cast<int64_t>(rq.labelers.size()))
      return InvalidArgument("overlap " + std::to_string(overlap) + " needs at least that many labelers (" + std::to_string(rq.labelers.size()) + " given)");
    ASSIGN_OR_RETURN(std::vector<Assignment> existing, store_.Assignments(p.id));
    std::map<int64_t, std::set<std::string>> has;
    for (const Assignment& a : existing) has[a.item_id].insert(a.labeler);
    size_t next = 0;
    for (int64_t id : chosen) {
      std::set<std::string>& who = has[id];
      for (size_t tried = 0; static_cast<int64_t>(who.size()) < overlap && tried < rq.labelers.size(); ++tried) {
        const std::string& l = rq.labelers[next];
        next = (next + 1) % rq.labelers.size();
        if (who.insert(l).second) pairs.push_back({id, l});
      }
    }
  } else {
    return InvalidArgument("mode must be 'round_robin' or 'manual'");
  }
  return store_.AddAssignments(p.id, pairs, rq.user);
}

Result<std::string> LabelService::ItemBytes(const LabelItem& item) { return data_.blobs().Get(item.sha256); }

Result<ItemContext> LabelService::ContextOf(const LabelSchema& schema, const LabelItem& item) {
  ItemContext ctx;
  const std::string& t = schema.task_type;
  if (t == "object_detection" || t == "segmentation") {
    ASSIGN_OR_RETURN(std::string bytes, ItemBytes(item));
    auto info = data::image::ReadHeader(bytes);
    if (!info.ok()) return InvalidArgument("item '" + item.path + "' is not an image this server reads: " + info.status().message());
    ctx.width = info->width;
    ctx.height = info->height;
    if (item.width != info->width || item.height != info->height) RETURN_IF_ERROR(store_.SetItemSize(item.id, info->width, info->height));
  } else if (t == "ner") {
    ASSIGN_OR_RETURN(std::string bytes, ItemBytes(item));
    ctx.text_length = CodePoints(bytes);
  } else if (t == "qa") {
    ASSIGN_OR_RETURN(std::string bytes, ItemBytes(item));
    ASSIGN_OR_RETURN(std::string context, QaContext(item.path, bytes));
    ctx.text_length = CodePoints(context);
  }
  return ctx;
}

Status LabelService::FillTexts(const LabelSchema& schema, const LabelItem& item, Json* annotation) {
  const char* key = schema.task_type == "ner" ? "spans" : schema.task_type == "qa" ? "answers" : nullptr;
  if (!key || !annotation->contains(key)) return Status::Ok();
  ASSIGN_OR_RETURN(std::string bytes, ItemBytes(item));
  std::string text = bytes;
  if (schema.task_type == "qa") {
    ASSIGN_OR_RETURN(text, QaContext(item.path, bytes));
  }
  for (Json& s : (*annotation)[key]) s["text"] = CodePointSubstr(text, s["start"].get<int64_t>(), s["end"].get<int64_t>());
  return Status::Ok();
}

Result<Json> LabelService::Agreement(const LabelProject& p, const AgreementOptions& options) {
  ASSIGN_OR_RETURN(LabelSchema schema, store_.GetSchemaById(p.schema_id));
  ASSIGN_OR_RETURN(std::vector<LabelItem> items, store_.Items(p.id));
  std::map<int64_t, std::string> path_of;
  for (const LabelItem& it : items) path_of[it.id] = it.path;
  std::vector<Annotated> annotated;
  for (const char* state : {"submitted", "accepted"}) {
    ASSIGN_OR_RETURN(std::vector<Assignment> as, store_.Assignments(p.id, InState(state)));
    for (Assignment& a : as) annotated.push_back({a.item_id, path_of[a.item_id], a.labeler, std::move(a.annotation)});
  }
  Json out = AgreementReport(schema.spec, annotated, options);
  out["schema"] = schema.name;
  out["schema_version"] = schema.version;
  return out;
}

Result<Assignment> LabelService::Save(const LabelProject& p, int64_t assignment_id, const Json& annotation, bool submit, const Actor& actor) {
  if (p.state != "open") return FailedPrecondition("labeling project '" + p.name + "' is finished");
  ASSIGN_OR_RETURN(Assignment a, store_.GetAssignment(p.id, assignment_id));
  if (a.labeler != actor.username && !actor.any_assignment)
    return FailedPrecondition("assignment " + std::to_string(a.id) + " is " + a.labeler + "'s, not yours");
  if (!Editable(a.state))
    return FailedPrecondition("assignment " + std::to_string(a.id) + " is " + a.state + "; only to-do, in-progress and rejected work can change");
  ASSIGN_OR_RETURN(LabelSchema schema, store_.GetSchemaById(p.schema_id));
  ASSIGN_OR_RETURN(LabelItem item, store_.GetItem(p.id, a.item_id));
  ASSIGN_OR_RETURN(ItemContext ctx, ContextOf(schema, item));
  RETURN_IF_ERROR(ValidateAnnotation(schema.spec, annotation, ctx, submit));
  Json stored = annotation;
  RETURN_IF_ERROR(FillTexts(schema, item, &stored));
  int64_t expected = a.revision;
  bool changed = a.annotation != stored;
  if (!changed && !submit && a.state == "in_progress") return a;  // an autosave of nothing new
  if (changed) ++a.revision;
  a.annotation = stored;
  a.state = submit ? "submitted" : "in_progress";
  LabelEvent e;
  e.actor = actor.username;
  e.action = submit ? "submit" : "save";
  e.annotation = stored;
  return store_.UpdateAssignment(std::move(a), expected, std::move(e));
}

Result<Assignment> LabelService::Review(const LabelProject& p, int64_t assignment_id, bool accept, const std::string& comment,
                                        const std::string& reviewer) {
  if (p.state != "open") return FailedPrecondition("labeling project '" + p.name + "' is finished");
  if (comment.size() > 10000) return InvalidArgument("comment must be at most 10000 bytes");
  if (!accept && comment.empty()) return InvalidArgument("a rejection needs a comment saying what to fix");
  ASSIGN_OR_RETURN(Assignment a, store_.GetAssignment(p.id, assignment_id));
  if (a.state != "submitted") return FailedPrecondition("assignment " + std::to_string(a.id) + " is " + a.state + ", not submitted");
  int64_t expected = a.revision;
  a.state = accept ? "accepted" : "rejected";
  a.comment = comment;
  a.reviewer = reviewer;
  LabelEvent e;
  e.actor = reviewer;
  e.action = accept ? "accept" : "reject";
  e.annotation = Json(nullptr);
  e.comment = comment;
  return store_.UpdateAssignment(std::move(a), expected, std::move(e));
}

Result<Json> LabelService::Progress(const LabelProject& p) {
  ASSIGN_OR_RETURN(std::vector<StateCount> counts, store_.CountStates(p.id));
  Json states = Json::object();
  for (const std::string& s : AssignmentStates()) states[s] = 0;
  std::map<std::string, Json> labelers;
  for (const StateCount& c : counts) {
    states[c.state] = states[c.state].get<int64_t>() + c.count;
    Json& l = labelers[c.labeler];
    if (l.is_null()) {
      l = Json{{"labeler", c.labeler}, {"total", 0}};
      for (const std::string& s : AssignmentStates()) l[s] = 0;
    }
    l[c.state] = c.count;
    l["total"] = l["total"].get<int64_t>() + c.count;
  }
  Json by_labeler = Json::array();
  for (auto& [name, l] : labelers) by_labeler.push_back(std::move(l));
  // Classes and batches from the assignments themselves.
  ASSIGN_OR_RETURN(std::vector<LabelItem> items, store_.Items(p.id));
  ASSIGN_OR_RETURN(std::vector<Assignment> all, store_.Assignments(p.id));
  std::map<int64_t, int64_t> batch_of;
  std::map<int64_t, std::pair<int64_t, int64_t>> batches;  // batch → (items, items with an accepted annotation)
  for (const LabelItem& it : items) {
    batch_of[it.id] = it.batch;
    ++batches[it.batch].first;
  }
  std::set<int64_t> accepted_items, assigned_items;
  std::map<std::string, int64_t> classes;
  for (const Assignment& a : all) {
    assigned_items.insert(a.item_id);
    if (a.state == "accepted") accepted_items.insert(a.item_id);
    if (a.state == "submitted" || a.state == "accepted")
      for (const std::string& c : ClassesOf(a.annotation)) ++classes[c];
  }
  for (int64_t id : accepted_items) ++batches[batch_of[id]].second;
  Json by_batch = Json::array();
  for (const auto& [b, n] : batches) by_batch.push_back({{"batch", b}, {"items", n.first}, {"accepted_items", n.second}});
  Json by_class = Json::array();
  for (const auto& [c, n] : classes) by_class.push_back({{"class", c}, {"annotations", n}});
  return Json{{"items", items.size()},
              {"assigned_items", assigned_items.size()},
              {"accepted_items", accepted_items.size()},
              {"assignments", all.size()},
              {"states", states},
              {"labelers", by_labeler},
              {"batches", by_batch},
              {"classes", by_class}};
}

Result<std::vector<std::pair<LabelItem, Json>>> LabelService::FinalAnnotations(const LabelProject& p) {
  ASSIGN_OR_RETURN(std::vector<LabelItem> items, store_.Items(p.id));
  ASSIGN_OR_RETURN(std::vector<Assignment> accepted, store_.Assignments(p.id, InState("accepted")));
  std::map<int64_t, const Assignment*> latest;
  for (const Assignment& a : accepted) {
    auto& slot = latest[a.item_id];
    if (!slot || a.updated_at > slot->updated_at || (a.updated_at == slot->updated_at && a.id > slot->id)) slot = &a;
  }
  std::vector<std::pair<LabelItem, Json>> out;
  for (LabelItem& it : items) {
    auto f = latest.find(it.id);
    if (f != latest.end()) out.push_back({std::move(it), f->second->annotation});
  }
  return out;
}

Result<std::vector<ExportItem>> LabelService::ExportItems(const LabelProject& p, bool include_submitted) {
  ASSIGN_OR_RETURN(LabelSchema schema, store_.GetSchemaById(p.schema_id));
  std::vector<std::pair<LabelItem, Json>> chosen;
  if (!include_submitted) {
    ASSIGN_OR_RETURN(chosen, FinalAnnotations(p));
  } else {
    ASSIGN_OR_RETURN(std::vector<LabelItem> items, store_.Items(p.id));
    ASSIGN_OR_RETURN(std::vector<Assignment> all, store_.Assignments(p.id));
    std::map<int64_t, const Assignment*> latest;
    for (const Assignment& a : all) {
      if (a.state != "submitted" && a.state != "accepted") continue;
      auto& slot = latest[a.item_id];
      if (!slot || a.updated_at > slot->updated_at || (a.updated_at == slot->updated_at && a.id > slot->id)) slot = &a;
    }
    for (LabelItem& it : items)
      if (auto f = latest.find(it.id); f != latest.end()) chosen.push_back({std::move(it), f->second->annotation});
  }
  const std::string& t = schema.task_type;
  bool image = t == "object_detection" || t == "segmentation" || t == "image_classification";
  bool text = t == "ner" || t == "qa" || t == "text_classification";
  std::vector<ExportItem> out;
  out.reserve(chosen.size());
  for (auto& [item, annotation] : chosen) {
    ExportItem e;
    e.item.path = item.path;
    e.item.width = item.width;
    e.item.height = item.height;
    if (image && (item.width == 0 || item.height == 0)) {
      ASSIGN_OR_RETURN(std::string bytes, ItemBytes(item));
      if (auto info = data::image::ReadHeader(bytes); info.ok()) {
        e.item.width = info->width, e.item.height = info->height;
        RETURN_IF_ERROR(store_.SetItemSize(item.id, info->width, info->height));
      }
    }
    if (text) {
      ASSIGN_OR_RETURN(e.item.text, ItemBytes(item));
    }
    e.annotation = std::move(annotation);
    out.push_back(std::move(e));
  }
  return out;
}

Result<int64_t> LabelService::Import(const LabelProject& p, const std::string& format, std::string_view bytes, const std::string& labeler,
                                     const std::string& actor) {
  if (p.state != "open") return FailedPrecondition("labeling project '" + p.name + "' is finished");
  ASSIGN_OR_RETURN(LabelSchema schema, store_.GetSchemaById(p.schema_id));
  ASSIGN_OR_RETURN(std::vector<LabelItem> items, store_.Items(p.id));
  std::map<std::string, const LabelItem*> by_path;
  std::vector<std::string> paths;
  for (const LabelItem& it : items) {
    by_path[it.path] = &it;
    paths.push_back(it.path);
  }
  std::map<std::string, ItemContext> contexts;
  auto context = [&](const LabelItem& it) -> Result<ItemContext> {
    auto c = contexts.find(it.path);
    if (c != contexts.end()) return c->second;
    ASSIGN_OR_RETURN(ItemContext ctx, ContextOf(schema, it));
    contexts[it.path] = ctx;
    return ctx;
  };
  ItemLookup lookup = [&](const std::string& path) -> Result<std::optional<FormatItem>> {
    auto it = by_path.find(path);
    if (it == by_path.end()) return std::optional<FormatItem>();
    FormatItem f;
    f.path = path;
    const std::string& t = schema.task_type;
    if (t == "object_detection" || t == "segmentation") {
      ASSIGN_OR_RETURN(ItemContext ctx, context(*it->second));
      f.width = ctx.width.value_or(0);
      f.height = ctx.height.value_or(0);
    } else if (t == "ner" || t == "qa") {
      ASSIGN_OR_RETURN(f.text, ItemBytes(*it->second));
    }
    return std::optional<FormatItem>(std::move(f));
  };
  ASSIGN_OR_RETURN(std::vector<ImportedAnnotation> parsed, ParseImport(format, schema.spec, bytes, paths, lookup));
  std::vector<std::pair<int64_t, Json>> rows;
  for (ImportedAnnotation& a : parsed) {
    const LabelItem& it = *by_path.at(a.path);
    ASSIGN_OR_RETURN(ItemContext ctx, context(it));
    Status st = ValidateAnnotation(schema.spec, a.annotation, ctx, true);
    if (!st.ok()) return InvalidArgument("item '" + a.path + "': " + st.message());
    RETURN_IF_ERROR(FillTexts(schema, it, &a.annotation));
    rows.push_back({it.id, std::move(a.annotation)});
  }
  return store_.ImportAnnotations(p.id, rows, labeler, actor, "from " + format);
}

Result<data::Version> LabelService::Finish(const LabelProject& p, const std::string& message, bool allow_partial, const std::string& user) {
  if (p.state != "open") return FailedPrecondition("labeling project '" + p.name + "' is already finished (v" + std::to_string(p.result_version) + ")");
  ASSIGN_OR_RETURN(LabelSchema schema, store_.GetSchemaById(p.schema_id));
  ASSIGN_OR_RETURN(auto finals, FinalAnnotations(p));
  if (finals.empty()) return FailedPrecondition("no item has an accepted annotation yet");
  if (!allow_partial && static_cast<int64_t>(finals.size()) < p.item_count)
    return FailedPrecondition(std::to_string(p.item_count - static_cast<int64_t>(finals.size())) + " of " + std::to_string(p.item_count) +
                              " items have no accepted annotation; review them, or finish with allow_partial");
  ASSIGN_OR_RETURN(data::Dataset ds, data_.GetDataset(p.project_id, p.dataset));
  data::VersionSpec spec;
  spec.status = "labeled";
  spec.from_version = p.data_version;
  spec.message = message.empty() ? "labeling project " + p.name : message;
  bool single_class = (schema.task_type == "image_classification" || schema.task_type == "text_classification") &&
                      !schema.spec.value("multi_label", false);
  for (auto& [item, annotation] : finals) {
    if (single_class && annotation.contains("classes") && annotation["classes"].is_array() && annotation["classes"].size() == 1)
      spec.labels.push_back({item.path, annotation["classes"][0].get<std::string>()});
    spec.annotations.push_back({item.path, annotation});
  }
  ASSIGN_OR_RETURN(data::Version v, data_.CreateVersion(ds, spec, user));
  RETURN_IF_ERROR(store_.MarkFinished(p.id, v.number));
  return v;
}

}  // namespace moebius::label
