#include "data/table_split.h"

#include <cstdio>

#include "data/table/table_reader.h"
#include "data/table_writer.h"

namespace moebius::data {
namespace {

// The column the method reads, or empty when the method reads none.
std::string KeyColumn(const SplitSpec& spec) {
  if (spec.method == "stratified" || spec.method == "kfold") return spec.label;
  if (spec.method == "group") return spec.group_by;
  if (spec.method == "time") return spec.time_key;
  return "";
}

void Merge(SplitReport& into, const SplitReport& from) {
  for (const auto& [split, n] : from.counts) into.counts[split] += n;
  for (const auto& [split, classes] : from.classes)
    for (const auto& [label, n] : classes) into.classes[split][label] += n;
}

// One table item: rows become entries whose meta holds the key column's value.
Result<std::pair<ManifestEntry, SplitReport>> SplitOneTable(const ManifestEntry& item, TableFormat format, const SplitSpec& spec,
                                                            store::BlobStore& blobs) {
  ASSIGN_OR_RETURN(std::string bytes, blobs.Get(item.sha256));
  ASSIGN_OR_RETURN(Table table, ReadTableFromBuffer(bytes, ReadOptions{format, item.path, {}}));
  if (table.num_rows() == 0) return InvalidArgument(item.path + ": the table has no rows to split");
  if (spec.method == "group" && spec.group_by == "folder")
    return InvalidArgument(item.path + ": a group split of table rows needs split.group_by naming a column");
  std::string key = KeyColumn(spec);
  const Column* key_column = nullptr;
  if (!key.empty()) {
    key_column = table.Find(key);
    bool optional_label = spec.method == "kfold" && key == "label";  // plain k-fold when unlabeled
    if (!key_column && !optional_label)
      return InvalidArgument(item.path + ": no column '" + key + "' for a " + spec.method + " split (set split." +
                             (spec.method == "group" ? "group_by" : spec.method == "time" ? "time_key" : "label") + ")");
  }
  // The row entries: paths keep row order (SortEntries is not needed: ApplySplit keeps order).
  std::vector<ManifestEntry> rows(table.num_rows());
  for (size_t r = 0; r < rows.size(); ++r) {
    char name[32];
    std::snprintf(name, sizeof name, "#%012zu", r);
    rows[r].path = name;
    Json meta = Json::object();
    if (key_column) {
      auto text = key_column->Text(r);
      if (!text && (spec.method == "group" || spec.method == "time"))
        return InvalidArgument(item.path + ": row " + std::to_string(r + 2) + " has no value in '" + key + "'");
      if (text) meta[key] = *text;
    }
    rows[r].meta = meta.dump();
  }
  ASSIGN_OR_RETURN(auto assigned, ApplySplit(std::move(rows), spec));

  Table out;
  for (const Column& c : table.columns())
    if (c.name != "split" && c.name != "fold") RETURN_IF_ERROR(out.AddColumn(c));
  Column split{.name = "split", .type = ColumnType::kString, .numbers = {}, .strings = {}};
  Column fold{.name = "fold", .type = ColumnType::kInt, .numbers = {}, .strings = {}};
  for (const ManifestEntry& e : assigned.first) {
    Json meta = Json::parse(e.meta);
    split.strings.push_back(meta["split"].get<std::string>());
    if (meta.contains("fold")) fold.numbers.push_back(meta["fold"].get<double>());
  }
  RETURN_IF_ERROR(out.AddColumn(std::move(split)));
  if (spec.method == "kfold") RETURN_IF_ERROR(out.AddColumn(std::move(fold)));
  std::vector<size_t> all(out.num_rows());
  for (size_t r = 0; r < all.size(); ++r) all[r] = r;
  ASSIGN_OR_RETURN(store::BlobInfo info, blobs.Put(WriteTable(out, all, format)));
  ManifestEntry rewritten = item;
  rewritten.sha256 = info.sha256;
  rewritten.size = info.size;
  return std::make_pair(std::move(rewritten), std::move(assigned.second));
}

}  // namespace

Result<std::pair<std::vector<ManifestEntry>, SplitReport>> SplitTableRows(std::vector<ManifestEntry> items, const SplitSpec& spec,
                                                                          store::BlobStore& blobs) {
  RETURN_IF_ERROR(ValidateSplitSpec(spec));
  SplitReport report;
  std::vector<ManifestEntry> others;
  std::vector<size_t> other_at;
  for (size_t i = 0; i < items.size(); ++i) {
    auto format = FormatFromPath(items[i].path);
    if (!format) {
      others.push_back(items[i]);
      other_at.push_back(i);
      continue;
    }
    ASSIGN_OR_RETURN(auto one, SplitOneTable(items[i], *format, spec, blobs));
    items[i] = std::move(one.first);
    Merge(report, one.second);
  }
  if (!others.empty()) {
    ASSIGN_OR_RETURN(auto split, ApplySplit(std::move(others), spec));
    for (size_t k = 0; k < other_at.size(); ++k) items[other_at[k]] = std::move(split.first[k]);
    Merge(report, split.second);
  }
  return std::make_pair(std::move(items), std::move(report));
}

}  // namespace moebius::data
