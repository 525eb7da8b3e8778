#include "train/torch/text_model.h"

#include <torch/torch.h>

#include <cmath>
#include <sstream>

namespace moebius::train::text {

struct TextModel::Impl {
  torch::Tensor emb, w1, b1, w, b;  // parameters (requires_grad)
  // Adam state, allocated on the first Adam step.
  std::vector<torch::Tensor> m, v;
  int64_t adam_steps = 0;

  std::vector<torch::Tensor*> Params() {
    std::vector<torch::Tensor*> p{&emb};
    if (w1.defined()) {
      p.push_back(&w1);
      p.push_back(&b1);
    }
    p.push_back(&w);
    p.push_back(&b);
    return p;
  }

  torch::Tensor Logits(const TextBatch& batch) const {
    auto ids = torch::from_blob(const_cast<int64_t*>(batch.ids.data()), {static_cast<int64_t>(batch.ids.size())}, torch::kInt64);
    auto offsets = torch::from_blob(const_cast<int64_t*>(batch.offsets.data()), {static_cast<int64_t>(batch.offsets.size())}, torch::kInt64);
    auto h = std::get<0>(torch::embedding_bag(emb, ids, offsets, /*scale_grad_by_freq=*/false, /*mode=mean*/ 1, /*sparse=*/true));
    if (w1.defined()) h = torch::relu(torch::addmm(b1, h, w1.t()));
    return torch::addmm(b, h, w.t());
  }
};

namespace {

torch::Tensor Uniform(std::vector<int64_t> size, double bound) {
  return (torch::rand(size, torch::kFloat32) * 2 - 1) * bound;
}

std::vector<int64_t> ToVector(const torch::Tensor& t) {
  auto c = t.contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

Status CheckBatch(const TextBatch& batch, int64_t num_features) {
  if (batch.offsets.empty()) return InvalidArgument("an empty batch");
  if (batch.offsets[0] != 0) return Internal("batch offsets must start at 0");
  for (size_t i = 1; i < batch.offsets.size(); ++i)
    if (batch.offsets[i] < batch.offsets[i - 1] || batch.offsets[i] > static_cast<int64_t>(batch.ids.size()))
      return Internal("batch offsets out of order");
  for (int64_t id : batch.ids)
    if (id < 0 || id >= num_features) return Internal("feature id " + std::to_string(id) + " outside the model's " + std::to_string(num_features));
  return Status::Ok();
}

}  // namespace

TextModel::TextModel(std::unique_ptr<Impl> impl, TextModelShape shape) : impl_(std::move(impl)), shape_(shape) {}
TextModel::TextModel(TextModel&&) noexcept = default;
TextModel& TextModel::operator=(TextModel&&) noexcept = default;
TextModel::~TextModel() = default;

Result<TextModel> TextModel::Create(const TextModelShape& s) {
  if (s.num_features <= 0 || s.dim <= 0 || s.hidden < 0 || s.classes < 2) return InvalidArgument("bad text model shape");
  try {
    auto impl = std::make_unique<Impl>();
    impl->emb = torch::zeros({s.num_features, s.dim}, torch::kFloat32);
    int64_t in = s.dim;
    if (s.hidden > 0) {
      double bound = 1.0 / std::sqrt(static_cast<double>(s.dim));
      impl->w1 = Uniform({s.hidden, s.dim}, bound);
      impl->b1 = Uniform({s.hidden}, bound);
      in = s.hidden;
    }
    double bound = 1.0 / std::sqrt(static_cast<double>(in));
    impl->w = Uniform({s.classes, in}, bound);
    impl->b = Uniform({s.classes}, bound);
    for (torch::Tensor* p : impl->Params()) p->set_requires_grad(true);
    return TextModel(std::move(impl), s);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("creating the text model (") + std::to_string(s.num_features) + " × " + std::to_string(s.dim) +
                           " embedding): " + e.what() + "; lower --buckets or --dim");
  }
}

Result<std::string> TextModel::Save() const {
  try {
    torch::NoGradGuard no_grad;
    torch::serialize::OutputArchive a;
    a.write("shape", torch::tensor(std::vector<int64_t>{1, shape_.num_features, shape_.dim, shape_.hidden, shape_.classes}), true);
    auto rows = impl_->emb.ne(0).any(1).nonzero().reshape({-1});
    a.write("emb_rows", rows.clone(), true);
    a.write("emb_values", impl_->emb.index_select(0, rows).contiguous(), true);
    a.write("w", impl_->w.detach().clone(), true);
    a.write("b", impl_->b.detach().clone(), true);
    if (impl_->w1.defined()) {
      a.write("w1", impl_->w1.detach().clone(), true);
      a.write("b1", impl_->b1.detach().clone(), true);
    }
    std::ostringstream out;
    a.save_to(out);
    return out.str();
  } catch (const std::exception& e) {
    return Internal(std::string("saving the text model: ") + e.what());
  }
}

Result<TextModel> TextModel::Load(const std::string& bytes) {
  try {
    torch::serialize::InputArchive a;
    a.load_from(bytes.data(), bytes.size());
    torch::Tensor shape, rows, values;
    a.read("shape", shape, true);
    auto s = ToVector(shape);
    if (s.size() != 5 || s[0] != 1) return InvalidArgument("not a version 1 text model file");
    TextModelShape ms{s[1], static_cast<int>(s[2]), static_cast<int>(s[3]), static_cast<int>(s[4])};
    if (ms.num_features <= 0 || ms.dim <= 0 || ms.hidden < 0 || ms.classes < 2) return InvalidArgument("text model file: bad shape");
    auto impl = std::make_unique<Impl>();
    a.read("emb_rows", rows, true);
    a.read("emb_values", values, true);
    if (rows.dim() != 1 || values.dim() != 2 || values.size(0) != rows.size(0) || values.size(1) != ms.dim ||
        (rows.numel() > 0 && (rows.min().item<int64_t>() < 0 || rows.max().item<int64_t>() >= ms.num_features)))
      return InvalidArgument("text model file: embedding rows do not fit its shape");
    impl->emb = torch::zeros({ms.num_features, ms.dim}, torch::kFloat32);
    impl->emb.index_add_(0, rows, values.to(torch::kFloat32));  // rows are distinct: a copy
    a.read("w", impl->w, true);
    a.read("b", impl->b, true);
    int64_t in = ms.dim;
    if (ms.hidden > 0) {
      a.read("w1", impl->w1, true);
      a.read("b1", impl->b1, true);
      if (impl->w1.sizes() != torch::IntArrayRef{ms.hidden, ms.dim} || impl->b1.sizes() != torch::IntArrayRef{ms.hidden})
        return InvalidArgument("text model file: hidden layer does not fit its shape");
      in = ms.hidden;
    }
    if (impl->w.sizes() != torch::IntArrayRef{ms.classes, in} || impl->b.sizes() != torch::IntArrayRef{ms.classes})
      return InvalidArgument("text model file: output layer does not fit its shape");
    for (torch::Tensor* p : impl->Params()) {
      *p = p->to(torch::kFloat32).contiguous();
      p->set_requires_grad(true);
    }
    return TextModel(std::move(impl), ms);
  } catch (const std::exception& e) {
    std::string what = e.what();
    return InvalidArgument("not a text model file: " + what.substr(0, what.find('\n')));
  }
}

Result<double> TextModel::TrainStep(const TextBatch& batch, OptimizerKind optimizer, double lr) {
  RETURN_IF_ERROR(CheckBatch(batch, shape_.num_features));
  if (batch.labels.size() != batch.size()) return Internal("batch labels and texts differ in number");
  try {
    Impl& m = *impl_;
    auto labels = torch::from_blob(const_cast<int64_t*>(batch.labels.data()), {static_cast<int64_t>(batch.labels.size())}, torch::kInt64);
    // Summed over the batch: --lr is a per-example rate, as in fastText's per-example updates.
    auto loss = torch::nll_loss(torch::log_softmax(m.Logits(batch), 1), labels, {}, at::Reduction::Sum);
    auto params = m.Params();
    for (torch::Tensor* p : params) p->mutable_grad() = torch::Tensor();
    loss.backward();
    double value = loss.item<double>() / static_cast<double>(batch.size());
    torch::NoGradGuard no_grad;
    if (optimizer == OptimizerKind::kAdam && m.m.empty()) {
      for (torch::Tensor* p : params) {
        m.m.push_back(torch::zeros_like(*p));
        m.v.push_back(torch::zeros_like(*p));
      }
    }
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    if (optimizer == OptimizerKind::kAdam) ++m.adam_steps;
    const double c1 = 1 - std::pow(b1, static_cast<double>(m.adam_steps)), c2 = 1 - std::pow(b2, static_cast<double>(m.adam_steps));
    for (size_t k = 0; k < params.size(); ++k) {
      torch::Tensor& p = *params[k];
      torch::Tensor g = p.grad();
      if (!g.defined()) continue;
      if (g.is_sparse()) {
        g = g.coalesce();
        auto idx = g.indices().reshape({-1});
        auto val = g.values();
        if (optimizer == OptimizerKind::kSgd) {
          p.index_add_(0, idx, val * (-lr));
        } else {
          // idx is coalesced (distinct rows): adding the change sets the rows.
          auto mo = m.m[k].index_select(0, idx), vo = m.v[k].index_select(0, idx);
          auto mr = mo * b1 + val * (1 - b1);
          auto vr = vo * b2 + val * val * (1 - b2);
          m.m[k].index_add_(0, idx, mr - mo);
          m.v[k].index_add_(0, idx, vr - vo);
          p.index_add_(0, idx, (mr / c1) / ((vr / c2).sqrt() + eps) * (-lr));
        }
      } else if (optimizer == OptimizerKind::kSgd) {
        p.add_(g, -lr);
      } else {
        m.m[k].mul_(b1).add_(g, 1 - b1);
        m.v[k].mul_(b2).addcmul_(g, g, 1 - b2);
        p.add_((m.m[k] / c1) / ((m.v[k] / c2).sqrt() + eps), -lr);
      }
    }
    for (torch::Tensor* p : params) p->mutable_grad() = torch::Tensor();
    return value;
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Internal("text model training step: " + what.substr(0, what.find('\n')));
  }
}

Result<std::vector<float>> TextModel::LogProba(const TextBatch& batch) const {
  RETURN_IF_ERROR(CheckBatch(batch, shape_.num_features));
  try {
    torch::NoGradGuard no_grad;
    auto lp = torch::log_softmax(impl_->Logits(batch), 1).contiguous();
    return std::vector<float>(lp.data_ptr<float>(), lp.data_ptr<float>() + lp.numel());
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Internal("text model prediction: " + what.substr(0, what.find('\n')));
  }
}

Result<std::vector<float>> TextModel::FeatureScores(const std::vector<int64_t>& ids) const {
  TextBatch batch;
  batch.Add({});
  for (int64_t id : ids) batch.Add({id});
  RETURN_IF_ERROR(CheckBatch(batch, shape_.num_features));
  try {
    torch::NoGradGuard no_grad;
    auto logits = impl_->Logits(batch);
    auto diff = (logits.slice(0, 1) - logits.slice(0, 0, 1)).contiguous();
    return std::vector<float>(diff.data_ptr<float>(), diff.data_ptr<float>() + diff.numel());
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Internal("text model feature scores: " + what.substr(0, what.find('\n')));
  }
}

}  // namespace moebius::train::text
