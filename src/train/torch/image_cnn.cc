// The only translation unit of the image trainer that includes libtorch.
#include "train/torch/image_cnn.h"

#include <torch/torch.h>

#include <sstream>

namespace moebius::train {
namespace {

struct NetImpl : torch::nn::Module {
  explicit NetImpl(const CnnConfig& c) {
    int in = c.channels;
    for (int b = 0; b < c.blocks; ++b) {
      int out = c.width << b;
      features->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(false)));
      features->push_back(torch::nn::BatchNorm2d(out));
      features->push_back(torch::nn::ReLU());
      features->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)));
      in = out;
    }
    register_module("features", features);
    dropout = register_module("dropout", torch::nn::Dropout(c.dropout));
    head = register_module("head", torch::nn::Linear(in, c.classes));
  }

  torch::Tensor forward(torch::Tensor x) {
    x = features->forward(x);
    x = x.mean({2, 3});  // global average pooling
    return head->forward(dropout->forward(x));
  }

  torch::nn::Sequential features;
  torch::nn::Dropout dropout{nullptr};
  torch::nn::Linear head{nullptr};
};
TORCH_MODULE(Net);

constexpr const char* kConfigKey = "moebius_config";

}  // namespace

struct ImageCnn::Impl {
  CnnConfig config;
  Net net{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer;

  torch::Tensor Input(const float* x, int64_t n) const {
    return torch::from_blob(const_cast<float*>(x), {n, config.channels, config.size, config.size}, torch::kFloat32);
  }
};

ImageCnn::ImageCnn(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ImageCnn::ImageCnn(ImageCnn&&) noexcept = default;
ImageCnn& ImageCnn::operator=(ImageCnn&&) noexcept = default;
ImageCnn::~ImageCnn() = default;

Result<ImageCnn> ImageCnn::Create(const CnnConfig& c) {
  if (c.channels < 1 || c.channels > 4 || c.size < 1 || c.size > 4096 || c.width < 1 || c.width > 1024 || c.blocks < 1 ||
      c.blocks > 8 || c.classes < 2 || c.classes > 100000 || (c.size >> c.blocks) < 1 || !(c.dropout >= 0 && c.dropout < 1))
    return InvalidArgument("image network: channels 1..4, size 1..4096, width 1..1024, blocks 1..8 with size ≥ 2^blocks, "
                           "classes 2..100000, dropout in [0, 1)");
  auto impl = std::make_unique<Impl>();
  impl->config = c;
  try {
    impl->net = Net(c);
  } catch (const std::exception& e) {
    return Internal(std::string("building the image network: ") + e.what());
  }
  return ImageCnn(std::move(impl));
}

Result<ImageCnn> ImageCnn::Load(const std::string& bytes) {
  try {
    std::istringstream in(bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    torch::Tensor cfg;
    archive.read(kConfigKey, cfg);
    if (cfg.numel() != 6) return InvalidArgument("model.pt: moebius_config has " + std::to_string(cfg.numel()) + " values, not 6");
    auto v = cfg.to(torch::kFloat64).contiguous();
    const double* d = v.data_ptr<double>();
    CnnConfig c;
    c.channels = static_cast<int>(d[0]);
    c.size = static_cast<int>(d[1]);
    c.width = static_cast<int>(d[2]);
    c.blocks = static_cast<int>(d[3]);
    c.classes = static_cast<int>(d[4]);
    c.dropout = d[5];
    ASSIGN_OR_RETURN(ImageCnn cnn, Create(c));
    cnn.impl_->net->load(archive);
    cnn.impl_->net->eval();
    return cnn;
  } catch (const std::exception& e) {
    std::string what = e.what();
    return InvalidArgument("model.pt is not an image network saved by moebius: " + what.substr(0, what.find('\n')));
  }
}

const CnnConfig& ImageCnn::config() const { return impl_->config; }

int64_t ImageCnn::NumParameters() const {
  int64_t n = 0;
  for (const auto& p : impl_->net->parameters()) n += p.numel();
  return n;
}

void ImageCnn::SetOptimizer(double lr, double weight_decay) {
  impl_->optimizer = std::make_unique<torch::optim::Adam>(impl_->net->parameters(),
                                                          torch::optim::AdamOptions(lr).weight_decay(weight_decay));
}

Result<StepResult> ImageCnn::TrainStep(const float* x, int64_t n, const int64_t* y) {
  if (!impl_->optimizer) return FailedPrecondition("image network: SetOptimizer before TrainStep");
  try {
    impl_->net->train();
    torch::Tensor input = impl_->Input(x, n);
    torch::Tensor target = torch::from_blob(const_cast<int64_t*>(y), {n}, torch::kInt64);
    impl_->optimizer->zero_grad();
    torch::Tensor logits = impl_->net->forward(input);
    torch::Tensor loss = torch::nn::functional::cross_entropy(logits, target);
    loss.backward();
    impl_->optimizer->step();
    StepResult r;
    r.loss = loss.item<double>();
    r.correct = logits.argmax(1).eq(target).sum().item<int64_t>();
    return r;
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Internal("training step: " + what.substr(0, what.find('\n')));
  }
}

Result<std::vector<float>> ImageCnn::Predict(const float* x, int64_t n) {
  try {
    torch::NoGradGuard no_grad;
    impl_->net->eval();
    torch::Tensor p = torch::softmax(impl_->net->forward(impl_->Input(x, n)), 1).contiguous();
    const float* d = p.data_ptr<float>();
    return std::vector<float>(d, d + p.numel());
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Internal("prediction: " + what.substr(0, what.find('\n')));
  }
}

Result<std::string> ImageCnn::Save() {
  try {
    torch::serialize::OutputArchive archive;
    impl_->net->save(archive);
    const CnnConfig& c = impl_->config;
    archive.write(kConfigKey, torch::tensor({static_cast<double>(c.channels), static_cast<double>(c.size), static_cast<double>(c.width),
                                             static_cast<double>(c.blocks), static_cast<double>(c.classes), c.dropout},
                                            torch::kFloat64));
    std::ostringstream out;
    archive.save_to(out);
    return out.str();
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Internal("saving the image network: " + what.substr(0, what.find('\n')));
  }
}

Status ImageCnn::Restore(const std::string& bytes) {
  try {
    std::istringstream in(bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    impl_->net->load(archive);
    return Status::Ok();
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Internal("restoring the image network: " + what.substr(0, what.find('\n')));
  }
}

}  // namespace moebius::train
