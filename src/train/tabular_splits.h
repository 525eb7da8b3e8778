// TabularSplits: the rows of a materialized tabular split version, ready to train on.
//
// A split version's folder (what `moebius data checkout` and payload.data lay out) holds its
// table files (.csv, .tsv, .jsonl at any depth, read in path order); every table carries the
// `split` column that the split wrote (train, val/valid/validation, test; k-fold versions also
// `fold`). All tables must have the same columns. Load reads them, checks the label (and the
// group column for ranking), and returns per split the input columns as a transform::Table and
// the labels encoded for XGBoost:
//   - binary / multiclass: classes are the distinct train labels (integers or strings), sorted
//     numerically or by bytes; the label is the class index. One class is an error; a valid or
//     test label not seen in train is an error naming it.
//   - regression: the label must be numeric.
//   - ranking: the label is a non-negative relevance; rows are ordered by query (stable, queries
//     in order of first appearance) and `groups` holds the query sizes.
// A missing label is an error naming the file row.
//
// Thread safety: plain values.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "train/xgb_options.h"
#include "transform/table.h"

namespace moebius::train {

struct SplitSet {
  std::string name;               // "train", "valid", "test"
  transform::Table inputs;        // the feature input columns of these rows
  std::vector<float> labels;      // encoded for XGBoost
  std::vector<Json> y_true;       // the labels as the data wrote them (class values, numbers)
  std::vector<unsigned> groups;   // ranking: query sizes in row order
  std::vector<Json> group_ids;    // ranking: the query of each row
  size_t rows() const { return labels.size(); }
};

struct TabularSplits {
  std::vector<std::string> files;               // table files read, relative to the folder
  std::vector<std::string> feature_columns;     // inputs, in table order
  std::vector<std::pair<std::string, std::string>> column_types;  // every input column: name, int|float|bool|string
  std::vector<Json> classes;                    // classification: class values, index = encoded label
  std::string label_type;                       // int | float | bool | string
  SplitSet train, valid, test;

  static Result<TabularSplits> Load(const XgbOptions& options);
};

}  // namespace moebius::train
