#include "data/data_store.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "base/strings.h"
#include "data/refine.h"
#include "data/table_split.h"
#include "data/table/table_reader.h"

namespace moebius::data {
namespace {

using store::Row;
using store::Rows;
using store::SqlValue;
using store::Tx;

constexpr char kDatasetColumns[] = "id, project_id, name, domain, description, sensitive, tags, created_at, created_by, strict_ingest";
constexpr char kRoundColumns[] =
    "id, dataset_id, number, kind, source, note, manifest_root, item_count, total_bytes, sources, created_at, created_by";
constexpr char kVersionColumns[] =
    "id, dataset_id, number, status, manifest_root, base_version, delta_sha, item_count, total_bytes, message, derived, "
    "created_at, created_by";
// A version is stored as a delta when it changes at most this share of its parent and the
// chain of deltas behind it stays short.
constexpr double kMaxDeltaShare = 0.2;
constexpr int kMaxDeltaChain = 32;

Dataset DatasetOf(const Row& r) {
  Dataset d;
  d.id = r.Int(0);
  d.project_id = r.Int(1);
  d.name = r.Text(2);
  d.domain = r.Text(3);
  d.description = r.Text(4);
  d.sensitive = r.Int(5) != 0;
  Json tags = Json::parse(r.Text(6), nullptr, false);
  if (tags.is_array())
    for (const auto& t : tags)
      if (t.is_string()) d.tags.push_back(t.get<std::string>());
  d.created_at = r.Int(7);
  d.created_by = r.Text(8);
  d.strict_ingest = r.Int(9) != 0;
  return d;
}

Round RoundOf(const Row& r) {
  return Round{r.Int(0), r.Int(1), r.Int(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Int(7), r.Int(8), r.Text(9), r.Int(10), r.Text(11)};
}

Version VersionOf(const Row& r) {
  Version v;
  v.id = r.Int(0);
  v.dataset_id = r.Int(1);
  v.number = r.Int(2);
  v.status = r.Text(3);
  v.manifest_root = r.Text(4);
  if (!r.IsNull(5)) v.base_version = r.Int(5);
  v.delta_sha = r.Text(6);
  v.item_count = r.Int(7);
  v.total_bytes = r.Int(8);
  v.message = r.Text(9);
  v.derived_json = r.Text(10);
  v.created_at = r.Int(11);
  v.created_by = r.Text(12);
  return v;
}

Status ValidateName(const std::string& name) {
  if (name.empty() || name.size() > 63) return InvalidArgument("dataset name must be 1 to 63 characters");
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '-' || c == '_' || c == '.'));
    if (!ok) return InvalidArgument("dataset name '" + name + "' may use only lowercase letters, digits, '-', '_' and '.', starting with a letter or digit");
  }
  return Status::Ok();
}

std::string LabelOf(const std::string& meta) {
  Json j = Json::parse(meta, nullptr, false);
  if (j.is_object() && j.contains("label") && j["label"].is_string()) return j["label"].get<std::string>();
  return "";
}

std::string WithLabel(const std::string& meta, const std::string& label) {
  Json j = Json::parse(meta, nullptr, false);
  if (!j.is_object()) j = Json::object();
  j["label"] = label;
  return j.dump();
}

// The kinds of change between two items' meta "annotations" (LBL-4), by the part that differs.
std::vector<std::string> AnnotationChangeKinds(const std::string& before_meta, const std::string& after_meta) {
  auto annotations = [](const std::string& meta) {
    Json j = Json::parse(meta, nullptr, false);
    return j.is_object() && j.contains("annotations") && j["annotations"].is_object() ? j["annotations"] : Json::object();
  };
  Json a = annotations(before_meta), b = annotations(after_meta);
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kKinds = {
      {"class change", {"classes", "rows"}}, {"box change", {"boxes"}}, {"mask change", {"polygons", "masks"}},
      {"span change", {"spans"}}, {"answer change", {"answers", "impossible"}}};
  std::vector<std::string> out;
  for (const auto& [kind, keys] : kKinds)
    for (const std::string& k : keys)
      if (a.value(k, Json()) != b.value(k, Json())) {
        out.push_back(kind);
        break;
      }
  return out;
}

int64_t TotalBytes(const std::vector<ManifestEntry>& entries) {
  int64_t n = 0;
  for (const auto& e : entries) n += e.size;
  return n;
}

// Content checks per domain, so a bad file fails the ingest with its name (and line). They read
// an item in pieces (see ItemContent), so a large item is never held whole for its check.

// A dictionary is parsed whole (its entries are compared term by term across versions).
constexpr int64_t kMaxDictionaryBytes = 64LL << 20;

// Each line valid UTF-8 without NUL, checked as pieces arrive; a character split between two
// pieces is carried over (at most 3 bytes).
class Utf8Lines {
 public:
  explicit Utf8Lines(const std::string& path) : path_(path) {}

  Status Add(std::string_view piece) {
    std::string joined;
    if (!carry_.empty()) {
      joined = carry_ + std::string(piece);
      piece = joined;
      carry_.clear();
    }
    size_t start = 0;
    for (size_t nl = piece.find('\n'); nl != std::string_view::npos; nl = piece.find('\n', start)) {
      RETURN_IF_ERROR(Check(piece.substr(start, nl - start)));
      ++line_;
      start = nl + 1;
    }
    std::string_view rest = piece.substr(start);
    size_t keep = IncompleteTail(rest);
    RETURN_IF_ERROR(Check(rest.substr(0, rest.size() - keep)));
    carry_.assign(rest.substr(rest.size() - keep));
    return Status::Ok();
  }

  Status Finish() { return carry_.empty() ? Status::Ok() : Bad(); }

 private:
  // Bytes at the end that begin a multi-byte character not complete yet.
  static size_t IncompleteTail(std::string_view s) {
    for (size_t back = 1; back <= 3 && back <= s.size(); ++back) {
      unsigned char c = static_cast<unsigned char>(s[s.size() - back]);
      if ((c & 0xc0) == 0x80) continue;  // a continuation byte: look further back
      size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
      return len > back ? back : 0;
    }
    return 0;
  }
  Status Check(std::string_view part) { return IsValidUtf8(part) ? Status::Ok() : Bad(); }
  Status Bad() const { return InvalidArgument(path_ + " line " + std::to_string(line_) + " is not valid UTF-8"); }

  const std::string& path_;
  size_t line_ = 1;
  std::string carry_;
};

Status CheckText(const std::string& path, const ItemContent& content) {
  if (content.size() == 0) return Status::Ok();  // stored; the quality report lists it (strict ingest refuses it)
  if (IsDictionaryPath(path)) {
    if (content.in_memory()) return ParseDictionary(path, content.bytes()).status();
    if (content.size() > kMaxDictionaryBytes)
      return TooLarge(path + " is a dictionary of " + std::to_string(content.size()) + " bytes; dictionaries may hold at most 64 MiB");
    std::string whole;
    RETURN_IF_ERROR(content.ForEachPiece([&](std::string_view piece) {
      whole.append(piece);
      return Status::Ok();
    }));
    return ParseDictionary(path, whole).status();
  }
  Utf8Lines lines(path);
  RETURN_IF_ERROR(content.ForEachPiece([&](std::string_view piece) { return lines.Add(piece); }));
  return lines.Finish();
}

// Strict (a dataset's opt-in): every file must be a non-empty image or a JSON/TXT/XML/CSV sidecar.
// Otherwise empty files and sidecars of any type (YOLO's empty label files, data.yaml, masks as
// .npy, README) are stored like other items, and an image that does not decode is a finding of
// the quality report rather than a refusal.
Status CheckImageStrict(const std::string& path, const ItemContent& content) {
  if (content.size() == 0) return InvalidArgument(path + " is empty (the dataset has strict ingest)");
  ASSIGN_OR_RETURN(std::string head, content.Prefix(16));
  std::string_view bytes = head;
  auto starts = [&](std::string_view magic) { return bytes.substr(0, magic.size()) == magic; };
  bool known = starts("\xFF\xD8\xFF") || starts("\x89PNG\r\n\x1a\n") || starts("GIF8") || starts("BM") ||
               (starts("RIFF") && bytes.size() > 12 && bytes.substr(8, 4) == "WEBP") || starts("II*\0") || starts("MM\0*");
  std::string lower = ToLower(path);
  bool sidecar = EndsWith(lower, ".json") || EndsWith(lower, ".txt") || EndsWith(lower, ".xml") || EndsWith(lower, ".csv");
  if (!known && !sidecar)
    return InvalidArgument(path + " is not a supported image (JPEG, PNG, GIF, BMP, WebP, TIFF) (the dataset has strict ingest)");
  return Status::Ok();
}

Status CheckTextStrict(const std::string& path, const ItemContent& content) {
  if (content.size() == 0) return InvalidArgument(path + " is empty (the dataset has strict ingest)");
  return CheckText(path, content);
}

}  // namespace

Result<int64_t> ParseVersionNumber(const std::string& text) {
  std::string t = !text.empty() && (text[0] == 'v' || text[0] == 'V') ? text.substr(1) : text;
  auto n = ParseInt64(t);
  if (!n || *n < 1) return InvalidArgument("'" + text + "' is not a version (expected v1, v2, ...)");
  return *n;
}

// The content check of an ingest, so a bad file fails it with its name (and line). Tabular items
// must parse: ragged rows, bad quoting, invalid UTF-8, oversized lines and empty files fail with
// the reader's message, which names the file, the line and the column; their columns are
// collected into `columns` for the catalog's column search.
ContentCheck DataStore::CheckFor(const Dataset& ds, IngestColumns* columns) const {
  if (ds.domain == "tabular")
    return [columns](const std::string& path, const ItemContent& content) -> Status {
      auto format = FormatFromPath(path);
      if (!format) return InvalidArgument(path + " has an unsupported type for a tabular dataset; use CSV, TSV or JSONL");
      // A large item is read from its staged file on one thread, which streams it (the
      // parallel reader would load it whole).
      ReadOptions options{*format, path, {}};
      if (!content.in_memory()) options.threads = 1;
      ASSIGN_OR_RETURN(Table t, content.in_memory() ? ReadTableFromBuffer(content.bytes(), options) : ReadTableFile(content.file(), options));
      std::lock_guard lock(columns->mu);
      for (const auto& c : t.columns())
        if (columns->names.size() < 10000) columns->names.insert(c.name);
      return Status::Ok();
    };
  if (ds.domain == "language") return ds.strict_ingest ? CheckTextStrict : CheckText;
  if (ds.domain == "vision") {
    if (ds.strict_ingest) return CheckImageStrict;
    return [](const std::string&, const ItemContent&) -> Status { return Status::Ok(); };
  }
  return [strict = ds.strict_ingest](const std::string& path, const ItemContent& content) -> Status {
    return strict && content.size() == 0 ? InvalidArgument(path + " is empty (the dataset has strict ingest)") : Status::Ok();
  };
}

// ---------------------------------------------------------------------------- datasets

Result<Dataset> DataStore::CreateDataset(int64_t project_id, const std::string& name, const std::string& domain,
                                         const std::string& description, bool sensitive, const std::vector<std::string>& tags,
                                         const std::string& user, bool strict_ingest) {
  RETURN_IF_ERROR(ValidateName(name));
  if (domain != "vision" && domain != "language" && domain != "tabular" && domain != "multimodal")
    return InvalidArgument("domain '" + domain + "' is not one of: vision, language, tabular, multimodal");
  if (description.size() > 10000) return InvalidArgument("description must be at most 10000 bytes");
  if (tags.size() > 50) return InvalidArgument("at most 50 tags");
  for (const auto& t : tags)
    if (t.empty() || t.size() > 64) return InvalidArgument("tags must be 1 to 64 characters");
  Dataset d{0, project_id, name, domain, description, sensitive, tags, clock_.NowMillis(), user, {}, strict_ingest};
  Status st = db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(d.id, tx.NextId("datasets"));
    return tx.Exec(std::string("INSERT INTO datasets (") + kDatasetColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {d.id, project_id, name, domain, description, int64_t{sensitive ? 1 : 0}, Json(tags).dump(), d.created_at, user,
                    int64_t{strict_ingest ? 1 : 0}})
        .status();
  });
  if (st.code() == StatusCode::kAlreadyExists) return AlreadyExists("dataset '" + name + "' already exists in this project");
  RETURN_IF_ERROR(st);
  return d;
}

Result<Dataset> DataStore::GetDataset(int64_t project_id, const std::string& name) {
  Dataset d;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kDatasetColumns + " FROM datasets WHERE project_id = ? AND name = ?",
                                            {project_id, name}, "dataset '" + name + "' does not exist"));
    d = DatasetOf(r);
    return Status::Ok();
  }));
  return d;
}

namespace {

// One term of a catalog query: "field:value" (name, tag, column, domain) or a bare word that may
// match any of them or the description. Matching is a case-insensitive substring match.
struct Term {
  std::string field;
  std::string value;
};

// Words split at blanks; double quotes keep blanks inside a word: tag:"street scenes".
std::vector<std::string> CatalogWords(const std::string& query) {
  std::vector<std::string> words(1);
  bool quoted = false;
  for (char c : query) {
    if (c == '"') quoted = !quoted;
    else if ((c == ' ' || c == '\t') && !quoted) words.emplace_back();
    else words.back() += c;
  }
  return words;
}

std::vector<Term> ParseCatalogQuery(const std::string& query) {
  std::vector<Term> terms;
  for (const std::string& word : CatalogWords(query)) {
    if (word.empty()) continue;
    std::string w = ToLower(word);
    size_t colon = w.find(':');
    std::string field = colon == std::string::npos ? "" : w.substr(0, colon);
    if (field == "name" || field == "tag" || field == "column" || field == "domain") terms.push_back({field, w.substr(colon + 1)});
    else terms.push_back({"", w});
  }
  return terms;
}

bool Contains(const std::string& text, const std::string& part) { return ToLower(text).find(part) != std::string::npos; }

// Whether the dataset matches every term; the columns that matched a term are kept.
bool MatchCatalog(const Dataset& d, const std::vector<std::string>& columns, const std::vector<Term>& terms,
                  std::vector<std::string>* matched_columns) {
  for (const Term& t : terms) {
    bool any = false;
    if (t.field.empty() || t.field == "name") any = any || Contains(d.name, t.value);
    if (t.field.empty()) any = any || Contains(d.description, t.value);
    if (t.field == "domain") any = any || d.domain == t.value;
    if (t.field.empty() || t.field == "tag")
      for (const auto& tag : d.tags) any = any || Contains(tag, t.value);
    if (t.field.empty() || t.field == "column")
      for (const auto& c : columns)
        if (Contains(c, t.value)) {
          any = true;
          if (std::find(matched_columns->begin(), matched_columns->end(), c) == matched_columns->end()) matched_columns->push_back(c);
        }
    if (!any) return false;
  }
  return true;
}

}  // namespace

Result<std::vector<Dataset>> DataStore::ListDatasets(const std::vector<int64_t>& project_ids, const std::string& query) {
  std::vector<Dataset> out;
  if (project_ids.empty()) return out;
  if (query.size() > 1000) return InvalidArgument("the search query must be at most 1000 characters");
  std::vector<Term> terms = ParseCatalogQuery(query);
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    std::string in;
    std::vector<SqlValue> params;
    for (int64_t id : project_ids) {
      in += in.empty() ? "?" : ", ?";
      params.push_back(id);
    }
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kDatasetColumns + " FROM datasets WHERE project_id IN (" + in + ") ORDER BY name", params));
    ASSIGN_OR_RETURN(Rows cols, tx.Query("SELECT c.dataset_id, c.name FROM data_columns c JOIN datasets d ON d.id = c.dataset_id WHERE d.project_id IN (" +
                                             in + ") ORDER BY c.dataset_id, c.name",
                                         params));
    std::map<int64_t, std::vector<std::string>> columns;
    for (const Row& c : cols) columns[c.Int(0)].push_back(c.Text(1));
    for (const Row& r : rows) {
      Dataset d = DatasetOf(r);
      std::vector<std::string> matched;
      if (!MatchCatalog(d, columns[d.id], terms, &matched)) continue;
      d.columns = terms.empty() ? columns[d.id] : matched;
      out.push_back(std::move(d));
    }
    return Status::Ok();
  }));
  return out;
}

// ---------------------------------------------------------------------------- rounds

// Items and manifest are durable before this runs; the round row is the commit point.
Result<Round> DataStore::CommitRound(const Dataset& ds, Round r, const IngestColumns& columns) {
  r.dataset_id = ds.id;
  r.created_at = clock_.NowMillis();
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(r.id, tx.NextId("data_rounds"));
    ASSIGN_OR_RETURN(Rows max, tx.Query("SELECT COALESCE(MAX(number), 0) FROM data_rounds WHERE dataset_id = ?", {ds.id}));
    r.number = max[0].Int(0) + 1;
    RETURN_IF_ERROR(tx.Exec(std::string("INSERT INTO data_rounds (") + kRoundColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            {r.id, ds.id, r.number, r.kind, r.source, r.note, r.manifest_root, r.item_count, r.total_bytes,
                             r.sources_json, r.created_at, r.created_by})
                        .status());
    for (const std::string& c : columns.names)
      RETURN_IF_ERROR(tx.Exec("INSERT INTO data_columns (dataset_id, name) VALUES (?, ?) ON CONFLICT (dataset_id, name) DO NOTHING", {ds.id, c})
                          .status());
    return tx.Exec("INSERT INTO data_lineage (child_kind, child_id, parent_kind, parent_id, relation) VALUES ('round', ?, 'dataset', ?, 'ingested into')",
                   {r.id, ds.id})
        .status();
  }));
  return r;
}

Result<Round> DataStore::IngestRound(const Dataset& ds, const std::string& staged_file, const std::string& format,
                                     const std::string& display_name, const std::string& note, const std::string& user) {
  if (note.size() > 10000) return InvalidArgument("note must be at most 10000 bytes");
  IngestColumns columns;
  ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries,
                   IngestUpload(blobs_, staged_file, format, display_name, CheckFor(ds, &columns)));
  Round r;
  ASSIGN_OR_RETURN(r.manifest_root, manifests_.WriteFull(entries));
  r.kind = "upload";
  r.source = display_name;
  r.note = note;
  r.item_count = static_cast<int64_t>(entries.size());
  r.total_bytes = TotalBytes(entries);
  r.created_by = user;
  return CommitRound(ds, std::move(r), columns);
}

Result<Round> DataStore::IngestItemRound(const Dataset& ds, const std::string& item_path, std::string_view bytes,
                                         const std::string& kind, const std::string& source, const Json& detail,
                                         const std::string& note, const std::string& user) {
  if (note.size() > 10000) return InvalidArgument("note must be at most 10000 bytes");
  RETURN_IF_ERROR(ValidateItemPath(item_path));
  IngestColumns columns;
  RETURN_IF_ERROR(CheckFor(ds, &columns)(item_path, ItemContent::InMemory(bytes)));
  ASSIGN_OR_RETURN(store::BlobInfo blob, blobs_.Put(bytes));
  std::vector<ManifestEntry> entries{{item_path, blob.sha256, blob.size, "{}"}};
  Round r;
  ASSIGN_OR_RETURN(r.manifest_root, manifests_.WriteFull(entries));
  r.kind = kind;
  r.source = source;
  r.note = note;
  r.item_count = 1;
  r.total_bytes = blob.size;
  r.sources_json = detail.dump();
  r.created_by = user;
  return CommitRound(ds, std::move(r), columns);
}

Result<std::vector<Round>> DataStore::ListRounds(int64_t dataset_id) {
  std::vector<Round> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kRoundColumns + " FROM data_rounds WHERE dataset_id = ? ORDER BY number", {dataset_id}));
    for (const Row& r : rows) out.push_back(RoundOf(r));
    return Status::Ok();
  }));
  return out;
}

Result<Round> DataStore::GetRound(int64_t dataset_id, int64_t number) {
  Round out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kRoundColumns + " FROM data_rounds WHERE dataset_id = ? AND number = ?",
                                            {dataset_id, number}, "round " + std::to_string(number) + " does not exist"));
    out = RoundOf(r);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<ManifestEntry>> DataStore::RoundItems(const Round& r) { return manifests_.ReadFull(r.manifest_root); }

Result<Round> DataStore::CreateBundle(const Dataset& ds, const BundleSpec& spec, const std::string& note, const std::string& user) {
  if (spec.rounds.empty()) return InvalidArgument("a bundle needs at least one source round");
  if (spec.sample_size && *spec.sample_size < 1) return InvalidArgument("sample_size must be positive");
  if (spec.sample_fraction && (*spec.sample_fraction <= 0 || *spec.sample_fraction > 1)) return InvalidArgument("sample_fraction must be in (0, 1]");
  std::map<std::string, ManifestEntry> chosen;  // later rounds win for the same path
  Json sources = Json::array();
  std::vector<int64_t> source_ids;
  for (int64_t number : spec.rounds) {
    ASSIGN_OR_RETURN(Round r, GetRound(ds.id, number));
    ASSIGN_OR_RETURN(auto items, manifests_.ReadFull(r.manifest_root));
    int64_t kept = 0;
    for (auto& e : items) {
      if (!spec.path_prefix.empty() && !StartsWith(e.path, spec.path_prefix)) continue;
      if (!spec.label.empty() && LabelOf(e.meta) != spec.label) continue;
      chosen[e.path] = std::move(e);
      ++kept;
    }
    sources.push_back({{"round", number}, {"items", kept}});
    source_ids.push_back(r.id);
  }
  std::vector<ManifestEntry> entries;
  entries.reserve(chosen.size());
  for (auto& [p, e] : chosen) entries.push_back(std::move(e));
  if (spec.sample_size || spec.sample_fraction) {
    size_t n = spec.sample_size ? std::min<size_t>(static_cast<size_t>(*spec.sample_size), entries.size())
                                : static_cast<size_t>(std::llround(*spec.sample_fraction * static_cast<double>(entries.size())));
    std::mt19937_64 rng(spec.seed);
    std::vector<size_t> idx(entries.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    // Partial Fisher-Yates with our own index draws: the same seed picks the same items on
    // every platform (std::shuffle's algorithm is unspecified).
    for (size_t i = 0; i < n; ++i) {
      size_t j = i + static_cast<size_t>(rng() % (idx.size() - i));
      std::swap(idx[i], idx[j]);
    }
    idx.resize(n);
    std::sort(idx.begin(), idx.end());
    std::vector<ManifestEntry> sampled;
    for (size_t i : idx) sampled.push_back(entries[i]);
    entries = std::move(sampled);
  }
  if (entries.empty()) return InvalidArgument("the bundle's filter and sample left no items");
  ASSIGN_OR_RETURN(std::string root, manifests_.WriteFull(entries));
  Json spec_json{{"rounds", sources}, {"path_prefix", spec.path_prefix}, {"label", spec.label}, {"seed", spec.seed}};
  if (spec.sample_size) spec_json["sample_size"] = *spec.sample_size;
  if (spec.sample_fraction) spec_json["sample_fraction"] = *spec.sample_fraction;
  Round r;
  r.dataset_id = ds.id;
  r.kind = "bundle";
  std::string names;
  for (int64_t n : spec.rounds) names += (names.empty() ? "rounds " : ", ") + std::to_string(n);
  r.source = "bundle of " + names;
  r.note = note;
  r.manifest_root = root;
  r.item_count = static_cast<int64_t>(entries.size());
  r.total_bytes = TotalBytes(entries);
  r.sources_json = spec_json.dump();
  r.created_at = clock_.NowMillis();
  r.created_by = user;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(r.id, tx.NextId("data_rounds"));
    ASSIGN_OR_RETURN(Rows max, tx.Query("SELECT COALESCE(MAX(number), 0) FROM data_rounds WHERE dataset_id = ?", {ds.id}));
    r.number = max[0].Int(0) + 1;
    RETURN_IF_ERROR(tx.Exec(std::string("INSERT INTO data_rounds (") + kRoundColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            {r.id, ds.id, r.number, r.kind, r.source, r.note, r.manifest_root, r.item_count, r.total_bytes,
                             r.sources_json, r.created_at, user})
                        .status());
    for (int64_t parent : source_ids)
      RETURN_IF_ERROR(tx.Exec("INSERT INTO data_lineage (child_kind, child_id, parent_kind, parent_id, relation) VALUES ('round', ?, 'round', ?, 'bundled from') "
                              "ON CONFLICT DO NOTHING",
                              {r.id, parent}).status());
    return Status::Ok();
  }));
  return r;
}

// ---------------------------------------------------------------------------- versions

Result<Version> DataStore::StoreVersion(const Dataset& ds, std::vector<ManifestEntry> entries, const std::string& status,
                                        std::optional<int64_t> parent_number, const Json& derived, const std::string& message,
                                        const std::vector<std::pair<std::string, int64_t>>& lineage_parents,
                                        const std::string& user) {
  Version v;
  v.dataset_id = ds.id;
  v.status = status;
  v.item_count = static_cast<int64_t>(entries.size());
  v.total_bytes = TotalBytes(entries);
  v.message = message;
  v.derived_json = derived.dump();
  v.created_at = clock_.NowMillis();
  v.created_by = user;
  bool stored = false;
  if (parent_number) {
    ASSIGN_OR_RETURN(Version parent, GetVersion(ds.id, *parent_number));
    int depth = 0;
    for (std::optional<int64_t> b = parent.base_version; b && depth <= kMaxDeltaChain; ++depth) {
      ASSIGN_OR_RETURN(Version bv, GetVersion(ds.id, *b));
      b = bv.base_version;
    }
    ASSIGN_OR_RETURN(auto base_entries, Materialize(parent));
    ManifestDelta delta = Diff(base_entries, entries);
    if (depth < kMaxDeltaChain && static_cast<double>(delta.size()) <= kMaxDeltaShare * static_cast<double>(std::max<size_t>(base_entries.size(), 1))) {
      ASSIGN_OR_RETURN(v.delta_sha, manifests_.WriteDelta(delta));
      v.base_version = parent.number;
      stored = true;
    }
  }
  if (!stored) {
    ASSIGN_OR_RETURN(v.manifest_root, manifests_.WriteFull(entries));
  }
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(v.id, tx.NextId("data_versions"));
    ASSIGN_OR_RETURN(Rows max, tx.Query("SELECT COALESCE(MAX(number), 0) FROM data_versions WHERE dataset_id = ?", {ds.id}));
    v.number = max[0].Int(0) + 1;
    RETURN_IF_ERROR(tx.Exec(std::string("INSERT INTO data_versions (") + kVersionColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            {v.id, ds.id, v.number, v.status, v.manifest_root, v.base_version ? SqlValue(*v.base_version) : SqlValue(nullptr),
                             v.delta_sha, v.item_count, v.total_bytes, v.message, v.derived_json, v.created_at, user})
                        .status());
    for (const auto& [kind, id] : lineage_parents)
      RETURN_IF_ERROR(tx.Exec("INSERT INTO data_lineage (child_kind, child_id, parent_kind, parent_id, relation) VALUES ('version', ?, ?, ?, ?) "
                              "ON CONFLICT DO NOTHING",
                              {v.id, kind, id, std::string(kind == "round" ? "versioned from" : "derived from")})
                          .status());
    return Status::Ok();
  }));
  return v;
}

Result<Version> DataStore::CreateVersion(const Dataset& ds, const VersionSpec& spec, const std::string& user) {
  if (std::find(Statuses().begin(), Statuses().end(), spec.status) == Statuses().end())
    return InvalidArgument("status '" + spec.status + "' is not one of: raw, refined, labeled, split");
  if (spec.message.size() > 10000) return InvalidArgument("message must be at most 10000 bytes");
  std::vector<ManifestEntry> entries;
  std::vector<std::pair<std::string, int64_t>> parents;
  Json derived = Json::object();
  std::optional<int64_t> parent_number;
  if (!spec.rounds.empty()) {
    if (spec.from_version) return InvalidArgument("give either rounds or from_version, not both");
    std::map<std::string, ManifestEntry> merged;
    for (int64_t n : spec.rounds) {
      ASSIGN_OR_RETURN(Round r, GetRound(ds.id, n));
      ASSIGN_OR_RETURN(auto items, manifests_.ReadFull(r.manifest_root));
      for (auto& e : items) merged[e.path] = std::move(e);
      parents.push_back({"round", r.id});
    }
    for (auto& [p, e] : merged) entries.push_back(std::move(e));
    derived["rounds"] = spec.rounds;
    // Consecutive raw versions of growing rounds are stored as deltas of the latest one.
    ASSIGN_OR_RETURN(auto existing, ListVersions(ds.id));
    for (auto it = existing.rbegin(); it != existing.rend(); ++it)
      if (it->status == spec.status) {
        parent_number = it->number;
        break;
      }
  } else if (spec.from_version) {
    ASSIGN_OR_RETURN(Version from, GetVersion(ds.id, *spec.from_version));
    ASSIGN_OR_RETURN(entries, Materialize(from));
    parents.push_back({"version", from.id});
    derived["from_version"] = from.number;
    parent_number = from.number;
  } else {
    return InvalidArgument("a version is made from rounds (a raw version) or from an earlier version");
  }

  if (!spec.labels.empty() || spec.labels_from_folders) {
    std::map<std::string, std::string> labels(spec.labels.begin(), spec.labels.end());
    int64_t labeled = 0;
    for (auto& e : entries) {
      std::string label;
      if (spec.labels_from_folders) {
        size_t slash = e.path.find('/');
        if (slash != std::string::npos) label = e.path.substr(0, slash);
      }
      auto it = labels.find(e.path);
      if (it != labels.end()) label = it->second;
      if (!label.empty()) {
        e.meta = WithLabel(e.meta, label);
        ++labeled;
      }
    }
    for (const auto& [path, label] : labels) {
      bool found = std::binary_search(entries.begin(), entries.end(), ManifestEntry{path, "", 0, ""},
                                      [](const ManifestEntry& a, const ManifestEntry& b) { return a.path < b.path; });
      if (!found) return InvalidArgument("label for '" + path + "', which is not an item of the version");
    }
    if (labeled == 0) return InvalidArgument("no item received a label");
    derived["labeled_items"] = labeled;
    derived["labels"] = spec.labels_from_folders ? "folders" : "imported";
  }
  if (!spec.annotations.empty()) {
    if (spec.status != "labeled") return InvalidArgument("a version with annotations has status 'labeled'");
    std::map<std::string, const Json*> by_path;
    for (const auto& [path, a] : spec.annotations) by_path[path] = &a;
    int64_t annotated = 0;
    for (auto& e : entries) {
      auto it = by_path.find(e.path);
      if (it == by_path.end()) continue;
      Json m = Json::parse(e.meta, nullptr, false);
      if (!m.is_object()) m = Json::object();
      m["annotations"] = *it->second;
      e.meta = m.dump();
      ++annotated;
    }
    if (annotated != static_cast<int64_t>(by_path.size())) return InvalidArgument("annotations name items that are not in the version");
    derived["annotated_items"] = annotated;
  }
  if (!spec.operations.is_null()) {
    if (spec.status != "refined") return InvalidArgument("a version made by operations has status 'refined'");
    if (pii_key_.empty()) return FailedPrecondition("the server has no key for pseudonymization");
    ASSIGN_OR_RETURN(RefineResult refined, Refine(entries, spec.operations, blobs_, pii_key_));
    if (refined.items.empty()) return InvalidArgument("the operations left no items");
    entries = std::move(refined.items);
    derived["operations"] = spec.operations;
    derived["refine_report"] = refined.report;
  } else if (spec.status == "refined") {
    return InvalidArgument("a refined version needs its operations (drop_duplicate_rows, filter_outliers, ...)");
  }
  if (spec.split) {
    if (spec.status != "split") return InvalidArgument("a version with a split spec has status 'split'");
    if (!spec.from_version) return InvalidArgument("a split is made from an earlier version (from_version)");
    bool rows = spec.split->unit == "rows" || (spec.split->unit.empty() && ds.domain == "tabular");
    ASSIGN_OR_RETURN(auto split, rows ? SplitTableRows(std::move(entries), *spec.split, blobs_) : ApplySplit(std::move(entries), *spec.split));
    entries = std::move(split.first);
    derived["split"] = SplitSpecToJson(*spec.split);
    derived["split"]["unit"] = rows ? "rows" : "items";  // what the report counts
    derived["split_report"] = split.second.ToJson();
  } else if (spec.status == "split") {
    return InvalidArgument("a split version needs a split spec (method, ratios or folds, seed)");
  }
  return StoreVersion(ds, std::move(entries), spec.status, parent_number, derived, spec.message, parents, user);
}

Result<std::vector<Version>> DataStore::ListVersions(int64_t dataset_id) {
  std::vector<Version> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kVersionColumns + " FROM data_versions WHERE dataset_id = ? ORDER BY number", {dataset_id}));
    for (const Row& r : rows) out.push_back(VersionOf(r));
    return Status::Ok();
  }));
  return out;
}

Result<Version> DataStore::GetVersion(int64_t dataset_id, int64_t number) {
  Version out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kVersionColumns + " FROM data_versions WHERE dataset_id = ? AND number = ?",
                                            {dataset_id, number}, "version v" + std::to_string(number) + " does not exist"));
    out = VersionOf(r);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<ManifestEntry>> DataStore::Materialize(const Version& v) {
  if (!v.base_version) return manifests_.ReadFull(v.manifest_root);
  // Walk back to the nearest full manifest, then apply the deltas forward.
  std::vector<Version> chain{v};
  while (chain.back().base_version) {
    ASSIGN_OR_RETURN(Version base, GetVersion(v.dataset_id, *chain.back().base_version));
    chain.push_back(base);
    if (chain.size() > kMaxDeltaChain + 2) return Internal("delta chain of v" + std::to_string(v.number) + " is too long");
  }
  ASSIGN_OR_RETURN(auto entries, manifests_.ReadFull(chain.back().manifest_root));
  for (auto it = chain.rbegin() + 1; it != chain.rend(); ++it) {
    ASSIGN_OR_RETURN(ManifestDelta d, manifests_.ReadDelta(it->delta_sha));
    ASSIGN_OR_RETURN(entries, Apply(entries, d));
  }
  return entries;
}

Result<DiffResult> DataStore::DiffVersions(const Version& a, const Version& b) {
  DiffResult out;
  if (b.base_version && *b.base_version == a.number) {
    // The stored delta is the answer: no manifest is read.
    ASSIGN_OR_RETURN(out.delta, manifests_.ReadDelta(b.delta_sha));
  } else {
    ASSIGN_OR_RETURN(auto ea, Materialize(a));
    ASSIGN_OR_RETURN(auto eb, Materialize(b));
    out.delta = Diff(ea, eb);
  }
  std::map<std::string, const ManifestEntry*> before;
  for (const auto& e : out.delta.before) before[e.path] = &e;
  // Renames: a removed and an added path with the same content.
  std::map<std::string, std::string> removed_by_sha;
  for (const auto& p : out.delta.removed)
    if (before.count(p)) removed_by_sha.emplace(before[p]->sha256, p);
  std::vector<ManifestEntry> still_added;
  std::set<std::string> renamed_from;
  for (const auto& e : out.delta.added) {
    auto it = removed_by_sha.find(e.sha256);
    if (it != removed_by_sha.end() && !renamed_from.count(it->second)) {
      out.renamed.push_back({it->second, e.path});
      renamed_from.insert(it->second);
    } else {
      still_added.push_back(e);
    }
  }
  out.delta.added = std::move(still_added);
  std::vector<std::string> still_removed;
  for (const auto& p : out.delta.removed)
    if (!renamed_from.count(p)) still_removed.push_back(p);
  out.delta.removed = std::move(still_removed);
  for (const auto& m : out.delta.modified) {
    auto it = before.find(m.path);
    if (it != before.end() && LabelOf(it->second->meta) != LabelOf(m.meta)) out.label_changes.push_back(m.path);
    if (it != before.end()) {
      std::vector<std::string> kinds = AnnotationChangeKinds(it->second->meta, m.meta);
      if (!kinds.empty()) out.annotation_changes.push_back({m.path, std::move(kinds)});
    }
    if (it != before.end() && IsDictionaryPath(m.path) && it->second->sha256 != m.sha256) {
      ASSIGN_OR_RETURN(std::string old_bytes, blobs_.Get(it->second->sha256));
      ASSIGN_OR_RETURN(std::string new_bytes, blobs_.Get(m.sha256));
      ASSIGN_OR_RETURN(Dictionary old_dict, ParseDictionary(m.path, old_bytes));
      ASSIGN_OR_RETURN(Dictionary new_dict, ParseDictionary(m.path, new_bytes));
      out.dictionaries.push_back(DiffDictionaries(m.path, old_dict, new_dict));
    }
    auto format = FormatFromPath(m.path);
    if (it != before.end() && format && !IsDictionaryPath(m.path) && it->second->sha256 != m.sha256 &&
        out.tables.size() < DiffResult::kMaxTableDiffs && static_cast<size_t>(it->second->size) <= DiffResult::kMaxTableDiffBytes &&
        static_cast<size_t>(m.size) <= DiffResult::kMaxTableDiffBytes) {
      ASSIGN_OR_RETURN(std::string old_bytes, blobs_.Get(it->second->sha256));
      ASSIGN_OR_RETURN(std::string new_bytes, blobs_.Get(m.sha256));
      auto old_table = ReadTableFromBuffer(old_bytes, ReadOptions{*format, m.path, {}});
      auto new_table = ReadTableFromBuffer(new_bytes, ReadOptions{*format, m.path, {}});
      // A file that does not read as a table (either side) is listed as modified only.
      if (old_table.ok() && new_table.ok()) out.tables.push_back(DiffTables(m.path, *old_table, *new_table));
    }
  }
  return out;
}

Result<Version> DataStore::Rollback(const Dataset& ds, int64_t number, const std::string& user) {
  ASSIGN_OR_RETURN(Version target, GetVersion(ds.id, number));
  ASSIGN_OR_RETURN(auto entries, Materialize(target));
  ASSIGN_OR_RETURN(auto versions, ListVersions(ds.id));
  std::optional<int64_t> latest;
  if (!versions.empty()) latest = versions.back().number;
  Json derived{{"rollback_to", number}};
  return StoreVersion(ds, std::move(entries), target.status, latest, derived, "rollback to v" + std::to_string(number),
                      {{"version", target.id}}, user);
}

Result<int64_t> DataStore::StoredManifestBytes(const Version& v) {
  if (v.base_version) return manifests_.StoredBytes(v.delta_sha, false);
  return manifests_.StoredBytes(v.manifest_root, true);
}

// ---------------------------------------------------------------------------- schema, transforms

Status DataStore::SaveSchema(const Dataset& ds, const Json& schema, int64_t version, const std::string& item, const std::string& user) {
  return db_.Write([&](Tx& tx) {
    return tx.Exec("INSERT INTO data_schemas (dataset_id, schema_json, version, item, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (dataset_id) DO UPDATE SET schema_json = excluded.schema_json, version = excluded.version, "
                   "item = excluded.item, created_at = excluded.created_at, created_by = excluded.created_by",
                   {ds.id, schema.dump(), version, item, clock_.NowMillis(), user})
        .status();
  });
}

Result<std::optional<Json>> DataStore::GetSchema(const Dataset& ds) {
  std::optional<Json> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT schema_json, version, item, created_at, created_by FROM data_schemas WHERE dataset_id = ?", {ds.id}));
    if (!rows.empty())
      out = Json{{"schema", Json::parse(rows[0].Text(0), nullptr, false)}, {"version", "v" + std::to_string(rows[0].Int(1))},
                 {"item", rows[0].Text(2)}, {"created_at", rows[0].Int(3)}, {"created_by", rows[0].Text(4)}};
    return Status::Ok();
  }));
  return out;
}

Status DataStore::SaveTransform(const Dataset& ds, const std::string& hash, const Json& spec, int64_t version, const std::string& item,
                                const std::string& user) {
  ASSIGN_OR_RETURN(store::BlobInfo blob, blobs_.Put(spec.dump()));
  return db_.Write([&](Tx& tx) {
    return tx.Exec("INSERT INTO data_transforms (dataset_id, hash, version, item, spec_sha, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (dataset_id, hash) DO NOTHING",
                   {ds.id, hash, version, item, blob.sha256, clock_.NowMillis(), user})
        .status();
  });
}

Result<std::vector<Json>> DataStore::ListTransforms(const Dataset& ds) {
  std::vector<Json> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT hash, version, item, created_at, created_by FROM data_transforms WHERE dataset_id = ? ORDER BY created_at DESC",
                                         {ds.id}));
    for (const Row& r : rows)
      out.push_back({{"hash", r.Text(0)}, {"version", "v" + std::to_string(r.Int(1))}, {"item", r.Text(2)}, {"created_at", r.Int(3)},
                     {"created_by", r.Text(4)}});
    return Status::Ok();
  }));
  return out;
}

Result<Json> DataStore::GetTransform(const Dataset& ds, const std::string& hash) {
  std::string sha;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, "SELECT spec_sha FROM data_transforms WHERE dataset_id = ? AND hash = ?", {ds.id, hash},
                                            "transform '" + hash + "' does not exist"));
    sha = r.Text(0);
    return Status::Ok();
  }));
  ASSIGN_OR_RETURN(std::string text, blobs_.Get(sha));
  return Json::parse(text, nullptr, false);
}

// ---------------------------------------------------------------------------- lineage

Status DataStore::Lineage(const Dataset& ds, std::vector<LineageNode>* nodes, std::vector<LineageEdge>* edges) {
  nodes->push_back({"dataset", ds.id, ds.name, Json{{"domain", ds.domain}}});
  ASSIGN_OR_RETURN(auto rounds, ListRounds(ds.id));
  for (const auto& r : rounds)
    nodes->push_back({"round", r.id, "round " + std::to_string(r.number),
                      Json{{"number", r.number}, {"kind", r.kind}, {"items", r.item_count}, {"source", r.source}}});
  ASSIGN_OR_RETURN(auto versions, ListVersions(ds.id));
  for (const auto& v : versions)
    nodes->push_back({"version", v.id, v.Name(), Json{{"number", v.number}, {"status", v.status}, {"items", v.item_count}}});
  return db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(
        "SELECT l.child_kind, l.child_id, l.parent_kind, l.parent_id, l.relation FROM data_lineage l "
        "WHERE (l.child_kind = 'round' AND l.child_id IN (SELECT id FROM data_rounds WHERE dataset_id = ?)) "
        "OR (l.child_kind = 'version' AND l.child_id IN (SELECT id FROM data_versions WHERE dataset_id = ?)) "
        "ORDER BY l.child_kind, l.child_id",
        {ds.id, ds.id}));
    for (const Row& r : rows) edges->push_back({r.Text(2), r.Int(3), r.Text(0), r.Int(1), r.Text(4)});
    return Status::Ok();
  });
}

// ---------------------------------------------------------------------------- integrity

Result<std::vector<std::string>> DataStore::Fsck() {
  std::vector<std::string> problems;
  int64_t blobs = 0;
  RETURN_IF_ERROR(blobs_.ForEach([&](const store::BlobInfo& b) {
    ++blobs;
    Status st = blobs_.Verify(b.sha256);
    if (!st.ok()) problems.push_back(st.message());
    return Status::Ok();
  }));
  std::vector<std::pair<std::string, std::string>> roots;  // (what, root)
  std::vector<Version> versions;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rounds, tx.Query("SELECT d.name, r.number, r.manifest_root FROM data_rounds r JOIN datasets d ON d.id = r.dataset_id"));
    for (const Row& r : rounds) roots.push_back({"dataset " + r.Text(0) + " round " + std::to_string(r.Int(1)), r.Text(2)});
    ASSIGN_OR_RETURN(Rows vs, tx.Query(std::string("SELECT ") + kVersionColumns + " FROM data_versions"));
    for (const Row& r : vs) versions.push_back(VersionOf(r));
    return Status::Ok();
  }));
  auto check_items = [&](const std::string& what, const std::vector<ManifestEntry>& items) {
    for (const auto& e : items)
      if (!blobs_.Exists(e.sha256)) problems.push_back(what + ": item '" + e.path + "' has no stored content " + e.sha256);
  };
  for (const auto& [what, root] : roots) {
    auto items = manifests_.ReadFull(root);
    if (!items.ok()) problems.push_back(what + ": manifest " + root + ": " + items.status().message());
    else check_items(what, *items);
  }
  for (const auto& v : versions) {
    auto items = Materialize(v);
    std::string what = "version " + v.Name() + " of dataset id " + std::to_string(v.dataset_id);
    if (!items.ok()) {
      problems.push_back(what + ": " + items.status().message());
      continue;
    }
    if (static_cast<int64_t>(items->size()) != v.item_count)
      problems.push_back(what + ": manifest has " + std::to_string(items->size()) + " items, the record says " + std::to_string(v.item_count));
    check_items(what, *items);
  }
  (void)blobs;
  return problems;
}

}  // namespace moebius::data
