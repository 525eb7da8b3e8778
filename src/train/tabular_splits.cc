#include "train/tabular_splits.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "data/table/table.h"
#include "data/table/table_reader.h"

namespace moebius::train {
namespace {

namespace fs = std::filesystem;

bool IsSplitColumn(const std::string& n) { return n == "split" || n == "fold"; }

// The table files under `dir`, relative, sorted.
Result<std::vector<std::string>> TableFiles(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return InvalidArgument("--data " + dir + " is not a folder");
  std::vector<std::string> out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string rel = fs::relative(it->path(), dir).generic_string();
    if (rel.rfind(".", 0) == 0) continue;
    if (data::FormatFromPath(rel)) out.push_back(rel);
  }
  if (ec) return InvalidArgument("cannot list " + dir + ": " + ec.message());
  std::sort(out.begin(), out.end());
  if (out.empty()) return InvalidArgument("--data " + dir + " holds no table files (.csv, .tsv, .jsonl): is it a tabular version?");
  return out;
}

// Reads every file and appends its rows; the files must have the same columns.
Result<data::Table> ReadAll(const std::string& dir, const std::vector<std::string>& files, int threads) {
  std::vector<data::Column> cols;
  for (const auto& rel : files) {
    data::ReadOptions ro;
    ro.format = *data::FormatFromPath(rel);
    ro.name = rel;
    ro.threads = threads;
    ASSIGN_OR_RETURN(data::Table t, data::ReadTableFile((fs::path(dir) / rel).string(), ro));
    if (cols.empty()) {
      cols = t.columns();
      continue;
    }
    if (t.num_columns() != cols.size()) return InvalidArgument(rel + ": its columns differ from " + files.front() + "'s");
    for (size_t c = 0; c < cols.size(); ++c) {
      const data::Column& add = t.columns()[c];
      data::Column& into = cols[c];
      if (add.name != into.name) return InvalidArgument(rel + ": column " + std::to_string(c + 1) + " is '" + add.name + "', not '" + into.name + "'");
      if (data::IsNumeric(add.type) != data::IsNumeric(into.type))
        return InvalidArgument(rel + ": column '" + add.name + "' is " + data::ColumnTypeName(add.type) + " but " +
                               data::ColumnTypeName(into.type) + " in " + files.front());
      if (data::IsNumeric(into.type)) {
        if (add.type != into.type) into.type = data::ColumnType::kFloat;
        into.numbers.insert(into.numbers.end(), add.numbers.begin(), add.numbers.end());
      } else {
        into.strings.insert(into.strings.end(), add.strings.begin(), add.strings.end());
      }
    }
  }
  data::Table out;
  for (auto& c : cols) RETURN_IF_ERROR(out.AddColumn(std::move(c)));
  return out;
}

Status AddColumnRows(transform::Table& t, const data::Column& c, const std::vector<size_t>& rows) {
  if (data::IsNumeric(c.type)) {
    std::vector<double> v;
    v.reserve(rows.size());
    for (size_t r : rows) v.push_back(c.numbers[r]);
    return t.AddNumeric(c.name, std::move(v));
  }
  std::vector<std::optional<std::string>> v;
  v.reserve(rows.size());
  for (size_t r : rows) v.push_back(c.strings[r]);
  return t.AddString(c.name, std::move(v));
}

// A label value as JSON: integers as integers, other numbers as numbers, strings as strings.
Json LabelJson(const data::Column& c, size_t r) {
  if (!data::IsNumeric(c.type)) return *c.strings[r];
  double v = c.numbers[r];
  if (std::floor(v) == v && std::fabs(v) < 9e15) return static_cast<int64_t>(v);
  return v;
}

}  // namespace

Result<TabularSplits> TabularSplits::Load(const XgbOptions& o) {
  TabularSplits out;
  ASSIGN_OR_RETURN(out.files, TableFiles(o.data_dir));
  ASSIGN_OR_RETURN(data::Table table, ReadAll(o.data_dir, out.files, o.threads == 0 ? 0 : std::min(o.threads, 8)));
  const std::string& first = out.files.front();
  const data::Column* split = table.Find("split");
  if (!split || data::IsNumeric(split->type))
    return InvalidArgument(first + " has no 'split' column: --data must be a split version (create one with a split of the tabular version)");
  const data::Column* label = table.Find(o.label);
  if (!label) return InvalidArgument("no label column '" + o.label + "' in " + first);
  const data::Column* group = nullptr;
  if (o.task == Task::kRanking) {
    group = table.Find(o.group);
    if (!group) return InvalidArgument("no group column '" + o.group + "' in " + first);
  }
  out.label_type = data::ColumnTypeName(label->type);

  // Feature inputs.
  if (o.features.empty()) {
    for (const auto& c : table.columns())
      if (c.name != o.label && !IsSplitColumn(c.name) && c.name != o.group) out.feature_columns.push_back(c.name);
  } else {
    std::set<std::string> seen;
    for (const auto& f : o.features) {
      if (!table.Find(f)) return InvalidArgument("--features: no column '" + f + "' in " + first);
      if (!seen.insert(f).second) return InvalidArgument("--features names '" + f + "' twice");
      out.feature_columns.push_back(f);
    }
  }
  // Transform inputs that are not among the features still have to be read.
  std::vector<std::string> inputs = out.feature_columns;
  if (o.transform && o.transform->is_object() && o.transform->contains("columns") && (*o.transform)["columns"].is_array()) {
    for (const Json& e : (*o.transform)["columns"]) {
      if (!e.is_object() || !e.contains("column") || !e["column"].is_string()) continue;
      std::string name = e["column"].get<std::string>();
      if (name == o.label || IsSplitColumn(name) || (!o.group.empty() && name == o.group))
        return InvalidArgument("--transform reads '" + name + "', the label, split or group column: that would leak the answer into the features");
      if (!table.Find(name)) return InvalidArgument("--transform reads column '" + name + "', which is not in " + first);
      if (std::find(inputs.begin(), inputs.end(), name) == inputs.end()) inputs.push_back(name);
    }
  }
  if (inputs.empty()) return InvalidArgument("no feature columns: the table has only the label, split and group columns");
  for (const auto& n : inputs) out.column_types.emplace_back(n, data::ColumnTypeName(table.Find(n)->type));

  // Rows per split.
  std::vector<size_t> rows[3];
  for (size_t r = 0; r < table.num_rows(); ++r) {
    if (!split->strings[r]) continue;
    const std::string& s = *split->strings[r];
    int k = s == "train" ? 0 : (s == "val" || s == "valid" || s == "validation") ? 1 : s == "test" ? 2 : -1;
    if (k >= 0) rows[k].push_back(r);
  }
  if (rows[0].empty()) return InvalidArgument("no rows with split=train in --data: is it a split version?");
  if (rows[2].empty()) return InvalidArgument("no rows with split=test in --data: the trainer evaluates on the test split");

  // Ranking: rows of one query together, queries in order of first appearance.
  if (group) {
    for (auto& rs : rows) {
      std::map<std::string, size_t> order;
      auto key = [&](size_t r) { return group->Text(r).value_or(""); };
      for (size_t r : rs) order.emplace(key(r), order.size());
      std::stable_sort(rs.begin(), rs.end(), [&](size_t a, size_t b) { return order[key(a)] < order[key(b)]; });
    }
  }

  // Label checks and classes.
  bool classify = o.task == Task::kBinary || o.task == Task::kMulticlass;
  std::map<std::string, size_t> class_index;  // by JSON dump
  for (int k = 0; k < 3; ++k)
    for (size_t r : rows[k])
      if (label->IsMissing(r)) return InvalidArgument("label '" + o.label + "' is missing in a row (table row " + std::to_string(r + 1) + ")");
  if (classify) {
    if (label->type == data::ColumnType::kFloat) {
      for (size_t r : rows[0])
        if (std::floor(label->numbers[r]) != label->numbers[r])
          return InvalidArgument("label '" + o.label + "' holds " + data::FormatNumber(label->numbers[r]) +
                                 ": a classifier's labels are integers or strings (use --task regression for numbers)");
    }
    std::vector<Json> values;
    for (size_t r : rows[0]) values.push_back(LabelJson(*label, r));
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    if (values.size() < 2)
      return InvalidArgument("label '" + o.label + "' has one class (" + values.front().dump() + ") in the train split: a classifier needs at least two");
    if (o.task == Task::kBinary && values.size() > 2)
      return InvalidArgument("label '" + o.label + "' has " + std::to_string(values.size()) + " classes: use --task multiclass");
    for (size_t i = 0; i < values.size(); ++i) class_index[values[i].dump()] = i;
    out.classes = values;
  } else if (!data::IsNumeric(label->type)) {
    return InvalidArgument("label '" + o.label + "' is a string column: --task " + TaskName(o.task) + " needs a numeric label");
  }

  const char* names[3] = {"train", "valid", "test"};
  SplitSet* sets[3] = {&out.train, &out.valid, &out.test};
  for (int k = 0; k < 3; ++k) {
    SplitSet& s = *sets[k];
    s.name = names[k];
    for (const auto& n : inputs) RETURN_IF_ERROR(AddColumnRows(s.inputs, *table.Find(n), rows[k]));
    s.labels.reserve(rows[k].size());
    for (size_t r : rows[k]) {
      Json y = LabelJson(*label, r);
      if (classify) {
        auto it = class_index.find(y.dump());
        if (it == class_index.end())
          return InvalidArgument("label " + y.dump() + " appears in the " + s.name + " split but not in train: the model cannot predict it");
        s.labels.push_back(static_cast<float>(it->second));
      } else {
        double v = label->numbers[r];
        if (!std::isfinite(v)) return InvalidArgument("label '" + o.label + "' is not finite in table row " + std::to_string(r + 1));
        if (o.task == Task::kRanking && v < 0) return InvalidArgument("ranking relevance must be ≥ 0; table row " + std::to_string(r + 1) + " has " + data::FormatNumber(v));
        s.labels.push_back(static_cast<float>(v));
      }
      s.y_true.push_back(std::move(y));
      if (group) {
        Json g = group->IsMissing(r) ? Json() : LabelJson(*group, r);
        if (g.is_null()) return InvalidArgument("group '" + o.group + "' is missing in table row " + std::to_string(r + 1));
        if (s.group_ids.empty() || s.group_ids.back() != g) s.groups.push_back(0);
        s.groups.back()++;
        s.group_ids.push_back(std::move(g));
      }
    }
  }
  return out;
}

}  // namespace moebius::train
