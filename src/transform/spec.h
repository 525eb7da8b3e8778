// TransformSpec: a fitted transform — the declarative config of every step together with what
// fitting learned (fill values, min/max, mean/std, bucket boundaries, vocabularies). It is the
// artifact that travels from training to serving; its canonical JSON is hashed to identify it.
//
//   {"format": "moebius.transform", "version": 1,
//    "columns": [{"column": "age", "name": "age", "type": "numeric",
//                 "steps": [{"kind": "impute", "strategy": "median", "fill": 37.5},
//                           {"kind": "z_score", "mean": 0.12, "std": 1.5}]},
//                {"column": "city", "name": "city", "type": "string",
//                 "steps": [{"kind": "one_hot", "min_frequency": 1, "vocabulary": ["busan", "seoul"]}]}]}
//
// Learned fields per step: impute "fill" (number or string), min_max "min"/"max", z_score
// "mean"/"std", bucketize "boundaries" (strictly increasing), one_hot/vocabulary "vocabulary"
// (distinct strings, most frequent first). Canonical JSON has sorted keys, no whitespace, and
// doubles in their shortest round-trip form, so Parse(Canonical()) reproduces every bit.
//
// Thread safety: plain values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "transform/config.h"
#include "transform/table.h"

namespace moebius::transform {

// The JSON format's name and the version this code writes and reads. A reader refuses any other
// version instead of guessing: a change to semantics (hash function, bucket rule, OOV layout)
// bumps the version.
inline constexpr const char* kSpecFormat = "moebius.transform";
inline constexpr int kSpecVersion = 1;

struct FittedStep {
  StepConfig config;
  Scalar fill = 0.0;                     // impute
  double min = 0, max = 0;               // min_max
  double mean = 0, std = 0;              // z_score
  std::vector<double> boundaries;        // bucketize
  std::vector<std::string> vocabulary;   // one_hot, vocabulary
};

struct FittedColumn {
  std::string column;  // input column
  std::string name;    // feature name prefix
  ColumnType type = ColumnType::kNumeric;
  std::vector<FittedStep> steps;
};

struct Feature {
  std::string name;
  // True for bucket indexes, one-hot slots, vocabulary ids and hash buckets: values that name a
  // category rather than measure a quantity (feature selection treats them differently).
  bool discrete = false;
};

struct TransformSpec {
  std::vector<FittedColumn> columns;

  // The output features, in output order: entries in spec order, each entry's features as
  // described in config.h.
  std::vector<Feature> Features() const;
  std::vector<std::string> FeatureNames() const;
  // The distinct input columns in order of first use, with their types: the order a row given
  // as a vector must follow.
  std::vector<std::pair<std::string, ColumnType>> InputColumns() const;
  // The declarative config this spec was fitted from, to refit on new data.
  TransformConfig Config() const;

  Json ToJson() const;
  std::string Canonical() const;  // ToJson().dump(): sorted keys, compact
  std::string Hash() const;       // Sha256Hex(Canonical())

  // Checks everything FromJson checks on a spec built in memory: step types, learned values
  // (finite, ordered, distinct), index ranges, distinct feature names and a consistent type for
  // each input column. kInvalidArgument naming the field.
  Status Validate() const;

  // kInvalidArgument naming the field for anything wrong: format or version, unknown or missing
  // fields, wrong types, unknown step kinds, out-of-range counts, non-finite numbers, then
  // Validate().
  static Result<TransformSpec> FromJson(const Json& json);
  // ParseJson (with its limits) then FromJson.
  static Result<TransformSpec> Parse(std::string_view text);
};

}  // namespace moebius::transform
