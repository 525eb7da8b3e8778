#include "transform/transformer.h"

#include <cmath>
#include <limits>

#include "transform/hash.h"
#include "transform/step_ops.h"

namespace moebius::transform {

// One spec entry compiled for the hot path. Views point into Impl::spec, which never moves
// (Impl lives behind a shared_ptr and is never modified after Create).
struct Plan {
  uint32_t input = 0;   // index into input columns
  uint32_t offset = 0;  // first output feature
  ColumnType type = ColumnType::kNumeric;
  std::vector<internal::NumericOp> numeric_ops;  // the non-final numeric steps, in order
  bool has_fill = false;                        // string impute: the first one decides
  std::string_view fill;
  StepKind final_kind = StepKind::kPassthrough;  // kPassthrough: numeric output
  const std::vector<double>* boundaries = nullptr;
  std::unordered_map<std::string_view, uint32_t> vocabulary;
  uint32_t oov = 0;  // vocabulary size
  uint64_t hash_buckets = 0;
};

struct Transformer::Impl {
  TransformSpec spec;
  std::vector<Feature> features;
  std::vector<std::pair<std::string, ColumnType>> inputs;
  std::vector<Plan> plans;
};

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

Status WrongKind(const std::string& column, ColumnType type, const Cell& c) {
  const char* got = c.kind == Cell::Kind::kNumber ? "a number" : "a string";
  return InvalidArgument("column '" + column + "': expected a " + (type == ColumnType::kNumeric ? "number" : "string") +
                         ", got " + got);
}

// The single implementation of a row: every Apply entry point ends here. `get(i)` returns the
// Cell of input column i.
template <typename Get>
Status ApplyCore(const Transformer::Impl& impl, const Get& get, float* out) {
  for (const Plan& p : impl.plans) {
    const Cell c = get(p.input);
    if (p.type == ColumnType::kNumeric) {
      double x;
      if (c.kind == Cell::Kind::kNumber) {
        x = c.number;
      } else if (c.kind == Cell::Kind::kMissing) {
        x = std::numeric_limits<double>::quiet_NaN();
      } else {
        return WrongKind(impl.inputs[p.input].first, p.type, c);
      }
      for (const internal::NumericOp& op : p.numeric_ops) x = internal::RunNumeric(op, x);
      if (p.final_kind == StepKind::kBucketize) x = internal::BucketOf(*p.boundaries, x);
      out[p.offset] = static_cast<float>(x);
      continue;
    }
    bool missing;
    std::string_view s;
    if (c.kind == Cell::Kind::kString) {
      missing = false;
      s = c.text;
    } else if (c.kind == Cell::Kind::kMissing) {
      missing = true;
    } else {
      return WrongKind(impl.inputs[p.input].first, p.type, c);
    }
    if (missing && p.has_fill) {
      s = p.fill;
      missing = false;
    }
    if (p.final_kind == StepKind::kHash) {
      out[p.offset] = missing ? kNaN : static_cast<float>(HashBucket(s, p.hash_buckets));
      continue;
    }
    uint32_t id = p.oov;
    if (!missing) {
      auto it = p.vocabulary.find(s);
      if (it != p.vocabulary.end()) id = it->second;
    }
    if (p.final_kind == StepKind::kOneHot) {
      std::fill(out + p.offset, out + p.offset + p.oov + 1, 0.0f);
      out[p.offset + id] = 1.0f;
    } else {
      out[p.offset] = static_cast<float>(id);
    }
  }
  return Status::Ok();
}

}  // namespace

std::vector<double> FeatureMatrix::ColumnValues(size_t col) const {
  std::vector<double> out(rows);
  for (size_t r = 0; r < rows; ++r) out[r] = at(r, col);
  return out;
}

Result<Transformer> Transformer::Create(TransformSpec spec) {
  RETURN_IF_ERROR(spec.Validate());
  auto impl = std::make_shared<Impl>();
  impl->spec = std::move(spec);
  impl->features = impl->spec.Features();
  impl->inputs = impl->spec.InputColumns();
  uint32_t offset = 0;
  for (const FittedColumn& col : impl->spec.columns) {
    Plan p;
    for (uint32_t i = 0; i < impl->inputs.size(); ++i) {
      if (impl->inputs[i].first == col.column) p.input = i;
    }
    p.offset = offset;
    p.type = col.type;
    for (const FittedStep& s : col.steps) {
      switch (s.config.kind) {
        case StepKind::kImpute:
          if (col.type == ColumnType::kString) {
            if (!p.has_fill) p.fill = std::get<std::string>(s.fill);
            p.has_fill = true;
          } else {
            p.numeric_ops.push_back(internal::CompileNumeric(s));
          }
          break;
        case StepKind::kBucketize:
          p.final_kind = s.config.kind;
          p.boundaries = &s.boundaries;
          break;
        case StepKind::kOneHot:
        case StepKind::kVocabulary:
          p.final_kind = s.config.kind;
          p.oov = static_cast<uint32_t>(s.vocabulary.size());
          p.vocabulary.reserve(s.vocabulary.size());
          for (uint32_t i = 0; i < s.vocabulary.size(); ++i) p.vocabulary.emplace(s.vocabulary[i], i);
          break;
        case StepKind::kHash:
          p.final_kind = s.config.kind;
          p.hash_buckets = static_cast<uint64_t>(s.config.buckets);
          break;
        default:
          p.numeric_ops.push_back(internal::CompileNumeric(s));
          break;
      }
    }
    offset += p.final_kind == StepKind::kOneHot ? p.oov + 1 : 1;
    impl->plans.push_back(std::move(p));
  }
  return Transformer(std::move(impl));
}

const TransformSpec& Transformer::spec() const { return impl_->spec; }
const std::vector<Feature>& Transformer::features() const { return impl_->features; }
size_t Transformer::num_features() const { return impl_->features.size(); }
const std::vector<std::pair<std::string, ColumnType>>& Transformer::input_columns() const { return impl_->inputs; }

Status Transformer::ApplyRow(std::span<const Cell> row, std::span<float> out) const {
  if (row.size() != impl_->inputs.size()) {
    return InvalidArgument("row has " + std::to_string(row.size()) + " values, the transform reads " +
                           std::to_string(impl_->inputs.size()) + " columns");
  }
  if (out.size() != impl_->features.size()) {
    return InvalidArgument("output has room for " + std::to_string(out.size()) + " features, the transform makes " +
                           std::to_string(impl_->features.size()));
  }
  return ApplyCore(*impl_, [row](uint32_t i) { return row[i]; }, out.data());
}

Status Transformer::ApplyRow(std::span<const Cell> row, std::vector<float>* out) const {
  out->resize(impl_->features.size());
  return ApplyRow(row, std::span<float>(*out));
}

Status Transformer::ApplyRow(const std::unordered_map<std::string, Cell>& row, std::vector<float>* out) const {
  out->resize(impl_->features.size());
  const auto& inputs = impl_->inputs;
  return ApplyCore(
      *impl_,
      [&row, &inputs](uint32_t i) {
        auto it = row.find(inputs[i].first);
        return it == row.end() ? Cell::Missing() : it->second;
      },
      out->data());
}

Result<FeatureMatrix> Transformer::ApplyTable(const Table& table) const {
  std::vector<const Column*> columns;
  for (const auto& [name, type] : impl_->inputs) {
    const Column* c = table.Find(name);
    if (c == nullptr) return InvalidArgument("the table has no column '" + name + "'");
    if (c->type != type) {
      return InvalidArgument("column '" + name + "' is " + ColumnTypeName(c->type) + " in the table but " +
                             ColumnTypeName(type) + " in the transform");
    }
    columns.push_back(c);
  }
  FeatureMatrix m;
  m.features = impl_->features;
  m.rows = table.num_rows();
  const size_t width = m.features.size();
  m.values.resize(m.rows * width);
  for (size_t r = 0; r < m.rows; ++r) {
    auto get = [&columns, r](uint32_t i) {
      const Column& c = *columns[i];
      if (c.type == ColumnType::kNumeric) return Cell::Number(c.numbers[r]);
      return c.strings[r] ? Cell::String(*c.strings[r]) : Cell::Missing();
    };
    Status st = ApplyCore(*impl_, get, m.values.data() + r * width);
    if (!st.ok()) return st.WithContext("row " + std::to_string(r));
  }
  return m;
}

}  // namespace moebius::transform
