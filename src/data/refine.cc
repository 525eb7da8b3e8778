#include "data/refine.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_set>

#include "base/crypto.h"
#include "base/json_reader.h"
#include "base/strings.h"
#include "data/refine_images.h"
#include "data/table/table_reader.h"
#include "data/table_writer.h"
#include "eval/criteria.h"

namespace moebius::data {
namespace {

const std::set<std::string>& KnownOps() {
  static const std::set<std::string> kOps = {"drop_duplicate_items", "normalize_text", "drop_duplicate_rows", "drop_missing_rows",
                                             "filter_outliers",      "filter_rows",    "pseudonymize",
                                             "resize_images",        "convert_images"};
  return kOps;
}

bool IsTableItem(const std::string& path) { return FormatFromPath(path).has_value(); }

// args[key]: a list of column names; empty when absent.
Result<std::vector<std::string>> StringList(const JsonReader& args, const char* key) {
  ASSIGN_OR_RETURN(auto list, args.OptList<std::string>(key));
  return list.value_or(std::vector<std::string>());
}

// filter_outliers' method and k (default 1.5 for iqr, 3 for zscore).
Result<std::pair<std::string, double>> OutlierRule(const JsonReader& o) {
  ASSIGN_OR_RETURN(std::string method, o.Get<std::string>("method", "iqr"));
  if (method != "iqr" && method != "zscore") return o.Invalid("method", "must be 'iqr' or 'zscore'");
  ASSIGN_OR_RETURN(double k, o.Get<double>("k", method == "iqr" ? 1.5 : 3.0));
  if (!(k > 0) || !std::isfinite(k)) return o.Invalid("k", "must be a positive number");
  return std::pair{method, k};
}

double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  double pos = q * static_cast<double>(v.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

// Applies one row operation to one table; `keep` holds the surviving row numbers.
Status ApplyRowOp(const std::string& item, const std::string& op, const JsonReader& args, Table& t, std::vector<size_t>& keep,
                  const std::string& pii_key, int64_t* changed) {
  auto column = [&](const std::string& name) -> Result<const Column*> {
    const Column* c = t.Find(name);
    if (!c) return InvalidArgument(item + ": no column '" + name + "' for " + op);
    return c;
  };
  std::vector<size_t> next;
  if (op == "drop_duplicate_rows") {
    std::unordered_set<std::string> seen;
    for (size_t r : keep) {
      std::string key;
      for (const auto& c : t.columns()) {
        auto text = c.Text(r);
        key += text ? "1" + *text : "0";
        key += '\x1f';
      }
      if (seen.insert(key).second) next.push_back(r);
    }
  } else if (op == "drop_missing_rows") {
    std::vector<const Column*> cols;
    ASSIGN_OR_RETURN(std::vector<std::string> names, StringList(args, "columns"));
    for (const auto& name : names) {
      ASSIGN_OR_RETURN(const Column* c, column(name));
      cols.push_back(c);
    }
    if (cols.empty())
      for (const auto& c : t.columns()) cols.push_back(&c);
    for (size_t r : keep) {
      bool missing = false;
      for (const Column* c : cols) missing = missing || c->IsMissing(r);
      if (!missing) next.push_back(r);
    }
  } else if (op == "filter_outliers") {
    ASSIGN_OR_RETURN(std::string name, args.Req<std::string>("column"));
    ASSIGN_OR_RETURN(const Column* c, column(name));
    ASSIGN_OR_RETURN(auto rule, OutlierRule(args));
    const auto& [method, k] = rule;
    if (!IsNumeric(c->type)) return InvalidArgument(item + ": filter_outliers needs a numeric column, '" + c->name + "' is text");
    std::vector<double> values;
    for (size_t r : keep)
      if (!c->IsMissing(r)) values.push_back(c->numbers[r]);
    double lo = -INFINITY, hi = INFINITY;
    if (values.size() >= 2) {
      if (method == "iqr") {
        double q1 = Quantile(values, 0.25), q3 = Quantile(values, 0.75);
        lo = q1 - k * (q3 - q1);
        hi = q3 + k * (q3 - q1);
      } else {
        double mean = 0, sq = 0;
        for (double v : values) mean += v;
        mean /= static_cast<double>(values.size());
        for (double v : values) sq += (v - mean) * (v - mean);
        double sd = std::sqrt(sq / static_cast<double>(values.size()));
        if (sd > 0) {
          lo = mean - k * sd;
          hi = mean + k * sd;
        }
      }
    }
    for (size_t r : keep)
      if (c->IsMissing(r) || (c->numbers[r] >= lo && c->numbers[r] <= hi)) next.push_back(r);
  } else if (op == "filter_rows") {
    ASSIGN_OR_RETURN(std::string expression, args.Req<std::string>("expression"));
    ASSIGN_OR_RETURN(eval::Criteria rule, eval::ParseCriteria(expression));
    for (const auto& m : rule.Metrics()) {
      ASSIGN_OR_RETURN(const Column* c, column(m));
      if (!IsNumeric(c->type)) return InvalidArgument(item + ": filter_rows compares numbers; column '" + m + "' is text");
    }
    for (size_t r : keep) {
      auto ev = rule.Evaluate([&](std::string_view name) -> std::optional<double> {
        const Column* c = t.Find(name);
        if (!c || c->IsMissing(r)) return std::nullopt;
        return c->numbers[r];
      });
      if (ev.passed) next.push_back(r);
    }
  } else if (op == "pseudonymize") {
    ASSIGN_OR_RETURN(std::vector<std::string> names, StringList(args, "columns"));
    for (const auto& name : names) {
      ASSIGN_OR_RETURN(const Column* c, column(name));
      // Replace the column by a string column of pseudonyms.
      Column p;
      p.name = c->name;
      p.type = ColumnType::kString;
      for (size_t r = 0; r < c->size(); ++r) {
        auto text = c->Text(r);
        if (text) {
          p.strings.push_back("p_" + HmacSha256Hex(pii_key, *text).substr(0, 16));
          ++*changed;
        } else {
          p.strings.push_back(std::nullopt);
        }
      }
      Table rebuilt;
      for (const auto& col : t.columns()) RETURN_IF_ERROR(rebuilt.AddColumn(col.name == name ? p : col));
      t = std::move(rebuilt);
    }
    return Status::Ok();
  }
  *changed += static_cast<int64_t>(keep.size() - next.size());
  keep = std::move(next);
  return Status::Ok();
}

std::string NormalizeText(const std::string& in, bool lowercase, bool collapse) {
  std::string out;
  for (const std::string& raw : Split(in, '\n')) {
    std::string line(Trim(raw));
    if (collapse) {
      std::string c;
      bool space = false;
      for (char ch : line) {
        bool is_space = ch == ' ' || ch == '\t';
        if (is_space && space) continue;
        c += is_space ? ' ' : ch;
        space = is_space;
      }
      line = c;
    }
    if (lowercase)
      for (char& ch : line)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    out += line + "\n";
  }
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

}  // namespace

Status ValidateOperations(const Json& ops_json) {
  JsonReader ops(ops_json, "operations");
  if (!ops_json.is_array() || ops_json.empty()) return InvalidArgument("operations must be a non-empty list");
  if (ops.size() > 50) return InvalidArgument("at most 50 operations");
  for (size_t i = 0; i < ops.size(); ++i) {
    JsonReader o = ops[i];
    const std::string& where = o.path();
    ASSIGN_OR_RETURN(std::string op, o.Req<std::string>("op"));
    if (!KnownOps().count(op)) return InvalidArgument(where + ": unknown operation '" + op + "'");
    if (IsImageOp(op)) RETURN_IF_ERROR(ValidateImageOp(o));
    if (op == "normalize_text") {
      RETURN_IF_ERROR(o.Opt<bool>("lowercase").status());
      RETURN_IF_ERROR(o.Opt<bool>("collapse_whitespace").status());
    }
    if (op == "filter_outliers") {
      RETURN_IF_ERROR(o.Req<std::string>("column").status());
      RETURN_IF_ERROR(OutlierRule(o).status());
    }
    if (op == "filter_rows") {
      ASSIGN_OR_RETURN(std::string expression, o.Req<std::string>("expression"));
      auto parsed = eval::ParseCriteria(expression);
      if (!parsed.ok()) return parsed.status().WithContext(where + " expression");
    }
    if (op == "pseudonymize" || op == "drop_missing_rows") {
      ASSIGN_OR_RETURN(std::vector<std::string> columns, StringList(o, "columns"));
      if (op == "pseudonymize" && columns.empty()) return InvalidArgument(where + ": pseudonymize needs a non-empty 'columns' list");
    }
  }
  return Status::Ok();
}

Result<RefineResult> Refine(const std::vector<ManifestEntry>& input, const Json& ops, store::BlobStore& blobs, const std::string& pii_key) {
  RETURN_IF_ERROR(ValidateOperations(ops));
  RefineResult res;
  res.items = input;
  JsonReader list(ops, "operations");
  for (size_t i = 0; i < list.size(); ++i) {
    JsonReader o = list[i];
    ASSIGN_OR_RETURN(std::string op, o.Req<std::string>("op"));
    Json report{{"op", op}};
    int64_t changed = 0;
    if (op == "drop_duplicate_items") {
      std::set<std::string> seen;
      std::vector<ManifestEntry> kept;
      for (auto& e : res.items)
        if (seen.insert(e.sha256).second) kept.push_back(std::move(e));
      changed = static_cast<int64_t>(res.items.size() - kept.size());
      res.items = std::move(kept);
      report["items_dropped"] = changed;
    } else if (op == "normalize_text") {
      for (auto& e : res.items) {
        if (IsTableItem(e.path)) continue;
        ASSIGN_OR_RETURN(std::string bytes, blobs.Get(e.sha256));
        if (!IsValidUtf8(bytes)) continue;
        ASSIGN_OR_RETURN(bool lowercase, o.Get<bool>("lowercase", false));
        ASSIGN_OR_RETURN(bool collapse, o.Get<bool>("collapse_whitespace", true));
        std::string norm = NormalizeText(bytes, lowercase, collapse);
        if (norm == bytes) continue;
        ASSIGN_OR_RETURN(store::BlobInfo info, blobs.Put(norm));
        e.sha256 = info.sha256;
        e.size = info.size;
        ++changed;
      }
      report["items_rewritten"] = changed;
    } else if (IsImageOp(op)) {
      ASSIGN_OR_RETURN(Json fields, ApplyImageOp(res.items, o, blobs));
      report.update(fields);
    } else {
      int64_t files = 0;
      for (auto& e : res.items) {
        auto format = FormatFromPath(e.path);
        if (!format) continue;
        ASSIGN_OR_RETURN(std::string bytes, blobs.Get(e.sha256));
        ASSIGN_OR_RETURN(Table t, ReadTableFromBuffer(bytes, ReadOptions{*format, e.path, {}}));
        std::vector<size_t> keep(t.num_rows());
        for (size_t r = 0; r < keep.size(); ++r) keep[r] = r;
        int64_t before = changed;
        RETURN_IF_ERROR(ApplyRowOp(e.path, op, o, t, keep, pii_key, &changed));
        if (changed == before) continue;
        ASSIGN_OR_RETURN(store::BlobInfo info, blobs.Put(WriteTable(t, keep, *format)));
        e.sha256 = info.sha256;
        e.size = info.size;
        ++files;
      }
      report[op == "pseudonymize" ? "values_replaced" : "rows_dropped"] = changed;
      report["files_rewritten"] = files;
    }
    res.report.push_back(report);
  }
  return res;
}

}  // namespace moebius::data
