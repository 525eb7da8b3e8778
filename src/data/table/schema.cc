#include "data/table/schema.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <unordered_map>

#include "base/strings.h"
#include "data/table/column_stats.h"

namespace moebius::data {
namespace {

constexpr size_t kMaxSchemaItems = 10000;

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// Collects affected rows of one anomaly.
struct Tally {
  uint64_t count = 0;
  std::vector<uint64_t> examples;
  void Add(size_t row) {
    ++count;
    if (examples.size() < kMaxExamples) examples.push_back(row + 1);
  }
};

void Report(ValidationReport* r, AnomalyKind kind, const std::string& column, const Tally& t,
            const std::string& message) {
  if (t.count == 0) return;
  r->anomalies.push_back({kind, column, t.count, t.examples, message});
}

std::string Plural(uint64_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

bool BoolText(std::string_view s) {
  return s == "true" || s == "false" || s == "True" || s == "False" || s == "TRUE" || s == "FALSE";
}

void CheckColumn(const Column& col, const ColumnSchema& cs, ValidationReport* report) {
  Tally missing, mismatch, range, unseen;
  std::set<std::string> categories(cs.categories.begin(), cs.categories.end());
  const bool numeric_schema = cs.type == ColumnType::kInt || cs.type == ColumnType::kFloat;
  for (size_t row = 0; row < col.size(); ++row) {
    if (col.IsMissing(row)) {
      if (!cs.nullable) missing.Add(row);
      continue;
    }
    if (numeric_schema) {
      double v;
      if (col.type == ColumnType::kInt || col.type == ColumnType::kFloat) {
        v = col.numbers[row];
      } else if (col.type == ColumnType::kString) {
        auto parsed = ParseDouble(Trim(*col.strings[row]));
        if (!parsed || std::isnan(*parsed)) {
          mismatch.Add(row);
          continue;
        }
        v = *parsed;
      } else {
        mismatch.Add(row);
        continue;
      }
      if (cs.type == ColumnType::kInt && v != std::floor(v)) {
        mismatch.Add(row);
        continue;
      }
      if ((cs.min && v < *cs.min) || (cs.max && v > *cs.max)) range.Add(row);
      continue;
    }
    if (cs.type == ColumnType::kBool) {
      bool ok = col.type == ColumnType::kBool || (col.type == ColumnType::kString && BoolText(*col.strings[row]));
      if (!ok) mismatch.Add(row);
      continue;
    }
    if (!categories.empty()) {
      std::optional<std::string> text = col.Text(row);
      if (!categories.count(*text)) unseen.Add(row);
    }
  }
  const std::string name = Quote(cs.name);
  Report(report, AnomalyKind::kMissingValues, cs.name, missing,
         "column " + name + " is not nullable but has " + Plural(missing.count, "missing value"));
  Report(report, AnomalyKind::kTypeMismatch, cs.name, mismatch,
         "column " + name + " has " + Plural(mismatch.count, "value") +
             (mismatch.count == 1 ? " that is not " : " that are not ") +
             ColumnTypeName(cs.type));
  std::string bounds = "[" + (cs.min ? FormatNumber(*cs.min) : std::string("-inf")) + ", " +
                       (cs.max ? FormatNumber(*cs.max) : std::string("inf")) + "]";
  Report(report, AnomalyKind::kOutOfRange, cs.name, range,
         "column " + name + " has " + Plural(range.count, "value") + " outside " + bounds);
  Report(report, AnomalyKind::kUnseenCategory, cs.name, unseen,
         "column " + name + " has " + Plural(unseen.count, "value") + " outside its " +
             std::to_string(cs.categories.size()) + (cs.categories.size() == 1 ? " category" : " categories"));
}

// The value of one row in one column, equal for equal values (NaN and missing included).
uint64_t CellHash(const Column& c, size_t row) {
  if (c.type == ColumnType::kString) {
    const auto& s = c.strings[row];
    return s ? std::hash<std::string>()(*s) : 0x9e3779b97f4a7c15ull;
  }
  double v = c.numbers[row];
  if (v != v) return 0x9e3779b97f4a7c15ull;
  if (v == 0) v = 0;  // -0 == 0
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits * 0xff51afd7ed558ccdull;
}

bool CellEqual(const Column& c, size_t a, size_t b) {
  if (c.type == ColumnType::kString) return c.strings[a] == c.strings[b];
  double x = c.numbers[a], y = c.numbers[b];
  return x == y || (x != x && y != y);
}

void CheckDuplicates(const Table& t, ValidationReport* report) {
  const size_t rows = t.num_rows();
  if (rows < 2 || t.num_columns() == 0) return;
  std::vector<uint64_t> hashes(rows, 0);
  for (const Column& c : t.columns()) {
    for (size_t r = 0; r < rows; ++r) hashes[r] = (hashes[r] ^ CellHash(c, r)) * 0x100000001b3ull + (hashes[r] >> 29);
  }
  std::unordered_multimap<uint64_t, size_t> seen;
  seen.reserve(rows);
  Tally dup;
  for (size_t r = 0; r < rows; ++r) {
    bool found = false;
    auto [b, e] = seen.equal_range(hashes[r]);
    for (auto it = b; it != e && !found; ++it) {
      found = std::all_of(t.columns().begin(), t.columns().end(),
                          [&](const Column& c) { return CellEqual(c, it->second, r); });
    }
    if (found) dup.Add(r);
    else seen.emplace(hashes[r], r);
  }
  Report(report, AnomalyKind::kDuplicateRows, "", dup,
         Plural(dup.count, "row") + (dup.count == 1 ? " repeats" : " repeat") + " an earlier row in every column");
}

void CheckConstant(const Column& c, ValidationReport* report) {
  std::optional<size_t> first;
  uint64_t present = 0;
  for (size_t r = 0; r < c.size(); ++r) {
    if (c.IsMissing(r)) continue;
    if (!first) first = r;
    else if (!CellEqual(c, *first, r)) return;
    ++present;
  }
  if (present < 2) return;
  report->anomalies.push_back({AnomalyKind::kConstantColumn, c.name, present, {},
                               "column " + Quote(c.name) + " has the same value (" + *c.Text(*first) +
                                   ") in all " + std::to_string(present) + " rows that have one"});
}

void CheckLabel(const Column& c, const ColumnSchema* cs, double threshold, ValidationReport* report) {
  std::vector<CategoryCount> counts = CountValues(c);
  if (cs != nullptr) {
    for (const auto& cat : cs->categories) {
      bool have = std::any_of(counts.begin(), counts.end(), [&](const CategoryCount& k) { return k.value == cat; });
      if (!have) counts.push_back({cat, 0});
    }
  }
  uint64_t total = 0;
  for (const auto& k : counts) total += k.count;
  if (total == 0 || counts.size() < 2) return;
  const CategoryCount* minority = &counts.front();
  for (const auto& k : counts) {
    if (k.count < minority->count || (k.count == minority->count && k.value < minority->value)) minority = &k;
  }
  double share = static_cast<double>(minority->count) / static_cast<double>(total);
  if (share >= threshold) return;
  Anomaly a{AnomalyKind::kLabelImbalance, c.name, minority->count, {}, ""};
  char buf[160];
  std::snprintf(buf, sizeof buf, " holds %.4g%% of %llu labelled rows; the threshold is %.4g%%", share * 100,
                static_cast<unsigned long long>(total), threshold * 100);
  a.message = "class " + Quote(minority->value) + " of label " + Quote(c.name) + buf;
  report->anomalies.push_back(std::move(a));
}

Status FieldError(const std::string& path, const std::string& what) { return InvalidArgument(path + ": " + what); }

Status CheckKeys(const Json& obj, const std::string& path, std::initializer_list<const char*> allowed) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = std::any_of(allowed.begin(), allowed.end(), [&](const char* k) { return it.key() == k; });
    if (!ok) return FieldError(path.empty() ? it.key() : path + "." + it.key(), "unknown field");
  }
  return Status::Ok();
}

Result<std::optional<double>> FiniteNumber(const Json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<double>();
  std::string field = path.empty() ? std::string(key) : path + "." + key;
  if (!it->is_number()) return FieldError(field, "must be a number");
  double v = it->get<double>();
  if (!std::isfinite(v)) return FieldError(field, "must be finite");
  return std::optional<double>(v);
}

Result<ColumnSchema> ColumnFromJson(const Json& j, const std::string& path) {
  if (!j.is_object()) return FieldError(path, "must be an object");
  RETURN_IF_ERROR(CheckKeys(j, path, {"name", "type", "nullable", "min", "max", "categories"}));
  ColumnSchema c;
  auto name = OptString(j, "name");
  if (!name.ok()) return name.status().WithContext(path);
  if (!name->has_value() || (*name)->empty()) return FieldError(path + ".name", "must be a non-empty string");
  c.name = **name;
  auto type = OptString(j, "type");
  if (!type.ok()) return type.status().WithContext(path);
  std::optional<ColumnType> t = type->has_value() ? ParseColumnType(**type) : std::nullopt;
  if (!t) return FieldError(path + ".type", "must be one of int, float, bool, string");
  c.type = *t;
  auto nullable = OptBool(j, "nullable");
  if (!nullable.ok()) return nullable.status().WithContext(path);
  c.nullable = nullable->value_or(true);
  ASSIGN_OR_RETURN(c.min, FiniteNumber(j, "min", path));
  ASSIGN_OR_RETURN(c.max, FiniteNumber(j, "max", path));
  bool numeric = c.type == ColumnType::kInt || c.type == ColumnType::kFloat;
  if ((c.min || c.max) && !numeric) return FieldError(path + ".min", "only int and float columns have a range");
  if (c.min && c.max && *c.min > *c.max) return FieldError(path + ".min", "is greater than max");
  auto cats = j.find("categories");
  if (cats != j.end() && !cats->is_null()) {
    if (numeric) return FieldError(path + ".categories", "only string and bool columns have categories");
    if (!cats->is_array()) return FieldError(path + ".categories", "must be an array of strings");
    if (cats->size() > kMaxSchemaItems) return FieldError(path + ".categories", "has more than 10000 entries");
    std::set<std::string> seen;
    for (const auto& v : *cats) {
      if (!v.is_string()) return FieldError(path + ".categories", "must be an array of strings");
      if (!seen.insert(v.get<std::string>()).second) {
        return FieldError(path + ".categories", "lists '" + v.get<std::string>() + "' twice");
      }
    }
    c.categories.assign(seen.begin(), seen.end());
  }
  return c;
}

}  // namespace

const char* AnomalyKindName(AnomalyKind kind) {
  switch (kind) {
    case AnomalyKind::kMissingColumn: return "missing_column";
    case AnomalyKind::kUnexpectedColumn: return "unexpected_column";
    case AnomalyKind::kMissingValues: return "missing_values";
    case AnomalyKind::kTypeMismatch: return "type_mismatch";
    case AnomalyKind::kOutOfRange: return "out_of_range";
    case AnomalyKind::kUnseenCategory: return "unseen_category";
    case AnomalyKind::kDuplicateRows: return "duplicate_rows";
    case AnomalyKind::kConstantColumn: return "constant_column";
    case AnomalyKind::kLabelImbalance: return "label_imbalance";
  }
  return "unknown";
}

const ColumnSchema* Schema::Find(std::string_view name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Result<Schema> InferSchema(const Table& table, const SchemaOptions& options) {
  if (options.max_categories > kMaxSchemaItems) return InvalidArgument("max_categories must be at most 10000");
  if (!(options.min_minority_share >= 0 && options.min_minority_share <= 1)) {
    return InvalidArgument("min_minority_share must be between 0 and 1");
  }
  if (!options.label.empty() && table.Find(options.label) == nullptr) {
    return InvalidArgument("label column '" + options.label + "' is not in the table");
  }
  Schema s;
  s.label = options.label;
  s.min_minority_share = options.min_minority_share;
  for (const Column& col : table.columns()) {
    ColumnSchema cs;
    cs.name = col.name;
    cs.type = col.type;
    cs.nullable = false;
    double mn = INFINITY, mx = -INFINITY;
    for (size_t r = 0; r < col.size(); ++r) {
      if (col.IsMissing(r)) {
        cs.nullable = true;
      } else if (col.type == ColumnType::kInt || col.type == ColumnType::kFloat) {
        mn = std::min(mn, col.numbers[r]);
        mx = std::max(mx, col.numbers[r]);
      }
    }
    if (std::isfinite(mn)) cs.min = mn;
    if (std::isfinite(mx)) cs.max = mx;
    if (col.type == ColumnType::kString || col.type == ColumnType::kBool) {
      std::vector<CategoryCount> counts = CountValues(col);
      if (!counts.empty() && counts.size() <= options.max_categories) {
        for (auto& c : counts) cs.categories.push_back(std::move(c.value));
        std::sort(cs.categories.begin(), cs.categories.end());
      }
    }
    s.columns.push_back(std::move(cs));
  }
  return s;
}

ValidationReport Validate(const Table& table, const Schema& schema, const ValidationOptions& options) {
  ValidationReport report;
  report.rows = table.num_rows();
  for (const ColumnSchema& cs : schema.columns) {
    const Column* col = table.Find(cs.name);
    if (col == nullptr) {
      report.anomalies.push_back({AnomalyKind::kMissingColumn, cs.name, table.num_rows(), {},
                                  "column " + Quote(cs.name) + " of the schema is not in the table"});
      continue;
    }
    CheckColumn(*col, cs, &report);
  }
  for (const Column& col : table.columns()) {
    if (schema.Find(col.name) == nullptr) {
      report.anomalies.push_back({AnomalyKind::kUnexpectedColumn, col.name, table.num_rows(), {},
                                  "column " + Quote(col.name) + " is not in the schema"});
    }
  }
  if (options.check_constant) {
    for (const Column& col : table.columns()) CheckConstant(col, &report);
  }
  if (options.check_duplicates) CheckDuplicates(table, &report);
  std::string label = options.label.value_or(schema.label);
  if (!label.empty()) {
    const Column* col = table.Find(label);
    if (col == nullptr) {
      if (schema.Find(label) == nullptr) {
        report.anomalies.push_back({AnomalyKind::kMissingColumn, label, table.num_rows(), {},
                                    "label column " + Quote(label) + " is not in the table"});
      }
    } else {
      CheckLabel(*col, schema.Find(label), options.min_minority_share.value_or(schema.min_minority_share), &report);
    }
  }
  return report;
}

Json ToJson(const Schema& schema) {
  Json cols = Json::array();
  for (const auto& c : schema.columns) {
    Json j = {{"name", c.name}, {"type", ColumnTypeName(c.type)}, {"nullable", c.nullable}};
    if (c.min) j["min"] = *c.min;
    if (c.max) j["max"] = *c.max;
    if (!c.categories.empty()) j["categories"] = c.categories;
    cols.push_back(std::move(j));
  }
  Json out = {{"version", 1}, {"columns", std::move(cols)}, {"min_minority_share", schema.min_minority_share}};
  if (!schema.label.empty()) out["label"] = schema.label;
  return out;
}

Json ToJson(const ValidationReport& report) {
  Json arr = Json::array();
  for (const auto& a : report.anomalies) {
    Json j = {{"kind", AnomalyKindName(a.kind)}, {"count", a.count}, {"example_rows", a.example_rows},
              {"message", a.message}};
    if (!a.column.empty()) j["column"] = a.column;
    arr.push_back(std::move(j));
  }
  return {{"rows", report.rows}, {"ok", report.ok()}, {"anomalies", std::move(arr)}};
}

Result<Schema> SchemaFromJson(const Json& json) {
  if (!json.is_object()) return InvalidArgument("a schema must be a JSON object");
  RETURN_IF_ERROR(CheckKeys(json, "", {"version", "columns", "label", "min_minority_share"}));
  auto version = OptInt(json, "version");
  if (!version.ok()) return version.status();
  if (!version->has_value() || **version != 1) return FieldError("version", "must be 1");
  auto cols = json.find("columns");
  if (cols == json.end() || !cols->is_array()) return FieldError("columns", "must be an array");
  if (cols->empty()) return FieldError("columns", "must not be empty");
  if (cols->size() > kMaxSchemaItems) return FieldError("columns", "has more than 10000 entries");
  Schema s;
  std::set<std::string> names;
  for (size_t i = 0; i < cols->size(); ++i) {
    std::string path = "columns[" + std::to_string(i) + "]";
    ASSIGN_OR_RETURN(ColumnSchema c, ColumnFromJson((*cols)[i], path));
    if (!names.insert(c.name).second) return FieldError(path + ".name", "'" + c.name + "' appears twice");
    s.columns.push_back(std::move(c));
  }
  auto label = OptString(json, "label");
  if (!label.ok()) return label.status();
  s.label = label->value_or("");
  if (!s.label.empty() && !names.count(s.label)) return FieldError("label", "'" + s.label + "' is not a column");
  ASSIGN_OR_RETURN(std::optional<double> share, FiniteNumber(json, "min_minority_share", ""));
  if (share) {
    if (*share < 0 || *share > 1) return FieldError("min_minority_share", "must be between 0 and 1");
    s.min_minority_share = *share;
  }
  return s;
}

Result<Schema> ParseSchema(std::string_view text) {
  ASSIGN_OR_RETURN(Json json, ParseJson(text));
  return SchemaFromJson(json);
}

}  // namespace moebius::data
