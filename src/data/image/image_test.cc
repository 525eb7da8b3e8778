#include "data/image/image.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace moebius::data::image {
namespace {

// A deterministic test picture: a gradient with some structure, so encoders have work to do.
cv::Mat Picture(int w, int h, int channels, int depth = CV_8U) {
  cv::Mat m(h, w, CV_MAKETYPE(depth, channels));
  double top = depth == CV_16U ? 65535.0 : 255.0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < channels; ++c) {
        double v = std::fmod((x * (c + 1) + y * (3 - c % 3) + (x ^ y)) * 1.7, 256.0) / 255.0 * top;
        if (depth == CV_16U) m.ptr<uint16_t>(y)[x * channels + c] = static_cast<uint16_t>(v);
        else m.ptr<uint8_t>(y)[x * channels + c] = static_cast<uint8_t>(v);
      }
  return m;
}

std::string Encode(const cv::Mat& m, const std::string& ext, std::vector<int> params = {}) {
  std::vector<uchar> buf;
  EXPECT_TRUE(cv::imencode(ext, m, buf, params));
  return std::string(buf.begin(), buf.end());
}

cv::Mat DecodeBytes(const std::string& b) {
  return cv::imdecode(cv::Mat(1, static_cast<int>(b.size()), CV_8UC1, const_cast<char*>(b.data())), cv::IMREAD_UNCHANGED);
}

TEST(ImageTest, ProbeReadsFormatDimensionsAndChannels) {
  struct Case {
    std::string ext, format;
    int channels;
  };
  std::vector<Case> cases = {{".png", "png", 3}, {".png", "png", 1}, {".png", "png", 4}, {".jpg", "jpeg", 3},
                             {".jpg", "jpeg", 1}, {".bmp", "bmp", 3}, {".tif", "tiff", 3}};
  if (CanWrite("webp")) cases.push_back({".webp", "webp", 3});
  for (const auto& c : cases) {
    std::string bytes = Encode(Picture(37, 23, c.channels), c.ext);
    auto header = ReadHeader(bytes);
    ASSERT_TRUE(header.ok()) << c.ext << ": " << header.status().ToString();
    EXPECT_EQ(header->format, c.format);
    EXPECT_EQ(header->width, 37) << c.ext;
    EXPECT_EQ(header->height, 23) << c.ext;
    auto info = Probe(bytes);
    ASSERT_TRUE(info.ok()) << c.ext << ": " << info.status().ToString();
    EXPECT_EQ(info->format, c.format);
    EXPECT_EQ(info->width, 37);
    EXPECT_EQ(info->height, 23);
    EXPECT_EQ(info->channels, c.channels) << c.ext;
  }
}

TEST(ImageTest, HeadersOfFormatsWeOnlyRead) {
  // GIF: logical screen 300x200; OpenCV 4.6 cannot decode it, which Probe says plainly.
  std::string gif = std::string("GIF89a") + std::string("\x2c\x01\xc8\x00\xf0\x00\x00", 7) + std::string(20, '\0');
  auto h = ReadHeader(gif);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->format, "gif");
  EXPECT_EQ(h->width, 300);
  EXPECT_EQ(h->height, 200);
  EXPECT_EQ(Probe(gif).status().code(), StatusCode::kFailedPrecondition);
}

TEST(ImageTest, ResizeModes) {
  std::string png = Encode(Picture(200, 100, 3), ".png");
  struct Case {
    const char* name;
    ResizeSpec spec;
    int w, h;
  };
  std::vector<Case> cases = {
      {"exact", {ResizeMode::kExact, 50, 50}, 50, 50},
      {"fit inside a square", {ResizeMode::kFit, 64, 64}, 64, 32},
      {"fit inside a tall box", {ResizeMode::kFit, 30, 90}, 30, 15},
      {"fit upscales", {ResizeMode::kFit, 400, 400}, 400, 200},
      {"fill", {ResizeMode::kFill, 64, 64}, 64, 64},
      {"fill wide", {ResizeMode::kFill, 150, 20}, 150, 20},
      {"shorter side", {ResizeMode::kShorterSide, 0, 0, 50}, 100, 50},
  };
  for (auto interpolation : {Interpolation::kArea, Interpolation::kLinear, Interpolation::kCubic, Interpolation::kNearest}) {
    for (auto c : cases) {
      c.spec.interpolation = interpolation;
      auto r = Resize(png, c.spec);
      ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().ToString();
      EXPECT_TRUE(r->changed) << c.name;
      EXPECT_EQ(r->out.info.width, c.w) << c.name;
      EXPECT_EQ(r->out.info.height, c.h) << c.name;
      EXPECT_EQ(r->out.info.format, "png");
      cv::Mat back = DecodeBytes(r->out.bytes);
      EXPECT_EQ(back.cols, c.w) << c.name;
      EXPECT_EQ(back.rows, c.h) << c.name;
      EXPECT_EQ(back.channels(), 3);
    }
  }
}

TEST(ImageTest, FillCropsTheCentre) {
  // Three vertical bands, blue | green | red (BGR); filling a square keeps only the green middle.
  cv::Mat m(100, 300, CV_8UC3, cv::Scalar(0, 0, 0));
  m(cv::Rect(0, 0, 100, 100)).setTo(cv::Scalar(255, 0, 0));
  m(cv::Rect(100, 0, 100, 100)).setTo(cv::Scalar(0, 255, 0));
  m(cv::Rect(200, 0, 100, 100)).setTo(cv::Scalar(0, 0, 255));
  auto r = Resize(Encode(m, ".png"), ResizeSpec{ResizeMode::kFill, 50, 50});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  cv::Mat out = DecodeBytes(r->out.bytes);
  ASSERT_EQ(out.cols, 50);
  for (cv::Point p : {cv::Point(0, 0), cv::Point(49, 49), cv::Point(25, 25)}) EXPECT_EQ(out.at<cv::Vec3b>(p), cv::Vec3b(0, 255, 0));
}

TEST(ImageTest, DecodePixelsGivesRgbAtTheSizeAsked) {
  // A 4x2 PNG: left half pure blue (BGR 255,0,0), right half pure red.
  cv::Mat m(2, 4, CV_8UC3, cv::Scalar(255, 0, 0));
  m(cv::Rect(2, 0, 2, 2)).setTo(cv::Scalar(0, 0, 255));
  std::string png = Encode(m, ".png");
  ResizeSpec same{ResizeMode::kExact, 4, 2};
  auto p = DecodePixels(png, same, 3);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->width, 4);
  ASSERT_EQ(p->height, 2);
  ASSERT_EQ(p->channels, 3);
  ASSERT_EQ(p->data.size(), 24u);
  // RGB order: the first pixel is blue, the last red.
  EXPECT_EQ(p->data[0], 0);
  EXPECT_EQ(p->data[2], 255);
  EXPECT_EQ(p->data[21], 255);
  EXPECT_EQ(p->data[23], 0);
  // Fill to 2x2 keeps the aspect and crops the centre: one blue column, one red.
  auto c = DecodePixels(png, ResizeSpec{ResizeMode::kFill, 2, 2, 0, Interpolation::kNearest}, 3);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->data.size(), 12u);
  EXPECT_EQ(c->data[2], 255);   // (0,0) blue
  EXPECT_EQ(c->data[3], 255);   // (1,0) red
  // Stretch to 2x2 squeezes the whole width in.
  auto st = DecodePixels(png, ResizeSpec{ResizeMode::kExact, 2, 2, 0, Interpolation::kNearest}, 1);
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_EQ(st->channels, 1);
  EXPECT_EQ(st->data.size(), 4u);
  // Alpha and 16 bits are handled; bad specs and bytes are refused.
  EXPECT_TRUE(DecodePixels(Encode(Picture(9, 7, 4), ".png"), ResizeSpec{ResizeMode::kFill, 5, 5}, 3).ok());
  auto deep = DecodePixels(Encode(Picture(9, 7, 3, CV_16U), ".png"), ResizeSpec{ResizeMode::kFill, 5, 5}, 3);
  ASSERT_TRUE(deep.ok()) << deep.status().message();
  EXPECT_EQ(DecodePixels(png, ResizeSpec{ResizeMode::kFit, 2, 2}, 3).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePixels(png, same, 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePixels("not an image", same, 3).status().code(), StatusCode::kInvalidArgument);
  // Determinism.
  EXPECT_EQ(DecodePixels(png, same, 3)->data, p->data);
}

TEST(ImageTest, ResizeKeepsFormatAndAlphaAndSkipsNoOps) {
  std::string rgba = Encode(Picture(80, 60, 4), ".png");
  auto r = Resize(rgba, ResizeSpec{ResizeMode::kExact, 40, 30});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(DecodeBytes(r->out.bytes).channels(), 4);
  std::string jpg = Encode(Picture(80, 60, 3), ".jpg");
  auto j = Resize(jpg, ResizeSpec{ResizeMode::kShorterSide, 0, 0, 30});
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(j->out.info.format, "jpeg");
  EXPECT_EQ(j->out.bytes.substr(0, 3), "\xFF\xD8\xFF");
  EXPECT_EQ(ReadHeader(j->out.bytes)->width, 40);
  // Already the target size: the input comes back untouched (no generational loss).
  auto same = Resize(jpg, ResizeSpec{ResizeMode::kFit, 80, 60});
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->changed);
  EXPECT_EQ(same->out.bytes, jpg);
}

TEST(ImageTest, OutputIsDeterministic) {
  std::string png = Encode(Picture(123, 77, 3), ".png");
  std::vector<std::string> formats = {"png", "jpeg", "bmp", "tiff"};
  if (CanWrite("webp")) formats.push_back("webp");
  for (const auto& f : formats) {
    ConvertSpec spec{f, 80, Color::kKeep};
    auto a = Convert(png, spec), b = Convert(png, spec);
    ASSERT_TRUE(a.ok() && b.ok()) << f << ": " << a.status().ToString();
    EXPECT_EQ(a->bytes, b->bytes) << f;
  }
  ResizeSpec spec{ResizeMode::kFill, 40, 40, 0, Interpolation::kCubic};
  EXPECT_EQ(Resize(png, spec)->out.bytes, Resize(png, spec)->out.bytes);
}

TEST(ImageTest, ConvertFormatsColoursAndQuality) {
  std::string rgba = Encode(Picture(64, 48, 4), ".png");
  auto jpg = Convert(rgba, ConvertSpec{"jpg", 90});
  ASSERT_TRUE(jpg.ok()) << jpg.status().ToString();
  EXPECT_EQ(jpg->info.format, "jpeg");
  EXPECT_EQ(jpg->info.channels, 3);  // JPEG has no alpha
  auto h = ReadHeader(jpg->bytes);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->format, "jpeg");
  EXPECT_EQ(h->width, 64);
  EXPECT_EQ(h->height, 48);
  EXPECT_EQ(h->channels, 3);
  auto low = Convert(rgba, ConvertSpec{"jpeg", 20});
  EXPECT_LT(low->bytes.size(), jpg->bytes.size());

  auto gray = Convert(rgba, ConvertSpec{"png", 90, Color::kGray});
  ASSERT_TRUE(gray.ok());
  EXPECT_EQ(DecodeBytes(gray->bytes).channels(), 1);
  EXPECT_EQ(ReadHeader(gray->bytes)->channels, 1);
  auto rgb = Convert(rgba, ConvertSpec{"png", 90, Color::kRgb});
  EXPECT_EQ(DecodeBytes(rgb->bytes).channels(), 3);
  auto gray_jpg = Convert(jpg->bytes, ConvertSpec{"jpeg", 90, Color::kGray});
  EXPECT_EQ(ReadHeader(gray_jpg->bytes)->channels, 1);
  auto bmp = Convert(jpg->bytes, ConvertSpec{"bmp"});
  EXPECT_EQ(bmp->bytes.substr(0, 2), "BM");
  // 16-bit PNG: kept by PNG, reduced to 8 bits for JPEG.
  std::string deep = Encode(Picture(20, 10, 3, CV_16U), ".png");
  EXPECT_EQ(DecodeBytes(Convert(deep, ConvertSpec{"png"})->bytes).depth(), CV_16U);
  auto deep_jpg = Convert(deep, ConvertSpec{"jpeg"});
  ASSERT_TRUE(deep_jpg.ok()) << deep_jpg.status().ToString();
  EXPECT_EQ(DecodeBytes(deep_jpg->bytes).depth(), CV_8U);
  if (CanWrite("webp")) {
    auto webp = Convert(rgba, ConvertSpec{"webp", 80});
    ASSERT_TRUE(webp.ok());
    EXPECT_EQ(ReadHeader(webp->bytes)->format, "webp");
    // Lossless keeps every pixel (of an opaque image: libwebp may rewrite colour under alpha 0).
    std::string rgb_png = Encode(Picture(64, 48, 3), ".png");
    auto lossless = Convert(rgb_png, ConvertSpec{"webp", 101});
    EXPECT_TRUE(ReadHeader(lossless->bytes)->lossless);
    EXPECT_EQ(cv::norm(DecodeBytes(lossless->bytes), DecodeBytes(rgb_png), cv::NORM_INF), 0);
  }
}

// A PNG signature and IHDR claiming 100000x100000 pixels, followed by nothing worth decoding.
std::string BombPng(uint32_t w, uint32_t h) {
  std::string b = "\x89PNG\r\n\x1a\n";
  b += std::string("\0\0\0\x0dIHDR", 8);
  for (uint32_t v : {w, h})
    for (int s = 24; s >= 0; s -= 8) b += static_cast<char>((v >> s) & 0xFF);
  b += std::string("\x08\x02\0\0\0", 5);
  b += std::string("\0\0\0\0", 4);  // CRC, never checked: we stop before any decoder
  b += std::string(64, '\0');
  return b;
}

TEST(ImageTest, DecompressionBombsAreRefusedBeforeDecoding) {
  std::string bomb = BombPng(100000, 100000);
  auto start = std::chrono::steady_clock::now();
  for (auto st : {Probe(bomb).status(), Resize(bomb, ResizeSpec{ResizeMode::kFit, 10, 10}).status(),
                  Convert(bomb, ConvertSpec{"jpeg"}).status()}) {
    EXPECT_EQ(st.code(), StatusCode::kTooLarge) << st.ToString();
    EXPECT_NE(st.message().find("10000 MP"), std::string::npos) << st.message();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  // A JPEG whose SOF claims 60000x60000 (3600 MP).
  std::string jpg = Encode(Picture(16, 16, 3), ".jpg");
  size_t sof = jpg.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  jpg[sof + 5] = jpg[sof + 7] = '\xEA';
  jpg[sof + 6] = jpg[sof + 8] = '\x60';
  EXPECT_EQ(Probe(jpg).status().code(), StatusCode::kTooLarge);
  // The limit is the caller's.
  std::string small = Encode(Picture(100, 100, 3), ".png");
  EXPECT_EQ(Probe(small, Limits{9999}).status().code(), StatusCode::kTooLarge);
  EXPECT_TRUE(Probe(small, Limits{10000}).ok());
  // Outputs too: a spec over the limit is a bad argument, refused before decoding; an output
  // over the limit that depends on the input is kTooLarge.
  EXPECT_EQ(Resize(small, ResizeSpec{ResizeMode::kExact, 20000, 20000}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Resize(small, ResizeSpec{ResizeMode::kShorterSide, 0, 0, 200}, Limits{20000}).status().code(), StatusCode::kTooLarge);
}

TEST(ImageTest, CorruptAndTruncatedImagesFail) {
  std::string png = Encode(Picture(64, 64, 3), ".png");
  std::string jpg = Encode(Picture(64, 64, 3), ".jpg", {cv::IMWRITE_JPEG_QUALITY, 90});
  struct Case {
    const char* name;
    std::string bytes;
  };
  std::string bad_idat = png;
  for (size_t i = png.find("IDAT") + 10; i < png.find("IDAT") + 40; ++i) bad_idat[i] = static_cast<char>(bad_idat[i] ^ 0x5A);
  std::vector<Case> cases = {
      {"empty", ""},
      {"garbage", std::string(500, 'x')},
      {"png magic only", "\x89PNG\r\n\x1a\n" + std::string(200, '\x01')},
      {"jpeg magic only", "\xFF\xD8\xFF\xE0" + std::string(100, '\x02')},
      {"png cut in half", png.substr(0, png.size() / 2)},
      {"png header only", png.substr(0, 40)},
      {"png with a damaged IDAT", bad_idat},
      {"jpeg cut in half", jpg.substr(0, jpg.size() / 2)},
      {"jpeg without its end marker", jpg.substr(0, jpg.size() - 2)},
      {"jpeg header only", jpg.substr(0, jpg.find("\xFF\xDA"))},
  };
  for (const auto& c : cases) {
    auto p = Probe(c.bytes);
    EXPECT_FALSE(p.ok()) << c.name;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument) << c.name << ": " << p.status().ToString();
    EXPECT_FALSE(Resize(c.bytes, ResizeSpec{ResizeMode::kFit, 10, 10}).ok()) << c.name;
    EXPECT_FALSE(Convert(c.bytes, ConvertSpec{"png"}).ok()) << c.name;
  }
  EXPECT_NE(Probe(jpg.substr(0, jpg.size() / 2)).status().message().find("truncated"), std::string::npos);
  EXPECT_TRUE(Probe(png).ok());
  EXPECT_TRUE(Probe(jpg).ok());
}

// Every prefix of every format, and seeded byte flips: no crash, no hang, and a failure is
// always a clear kInvalidArgument (or kTooLarge / kFailedPrecondition), never an internal error.
TEST(ImageTest, PrefixesAndMutationsNeverCrash) {
  std::vector<std::string> samples = {Encode(Picture(24, 16, 3), ".png"), Encode(Picture(24, 16, 1), ".jpg"),
                                      Encode(Picture(24, 16, 3), ".bmp"), Encode(Picture(24, 16, 3), ".tif")};
  if (CanWrite("webp")) samples.push_back(Encode(Picture(24, 16, 3), ".webp"));
  auto acceptable = [](const Status& st) {
    return st.ok() || st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kTooLarge ||
           st.code() == StatusCode::kFailedPrecondition;
  };
  for (const auto& sample : samples) {
    for (size_t n = 0; n < sample.size(); ++n) {
      std::string prefix = sample.substr(0, n);
      EXPECT_TRUE(acceptable(ReadHeader(prefix).status())) << n;
      if (n % 7 == 0) EXPECT_TRUE(acceptable(Probe(prefix).status())) << n;
    }
    uint32_t seed = 12345;
    for (int round = 0; round < 150; ++round) {
      std::string m = sample;
      for (int flips = 0; flips < 1 + round % 4; ++flips) {
        seed = seed * 1664525u + 1013904223u;
        m[seed % m.size()] = static_cast<char>(seed >> 24);
      }
      auto st = Convert(m, ConvertSpec{"png"}, Limits{1'000'000}).status();
      EXPECT_TRUE(acceptable(st)) << st.ToString();
    }
  }
}

TEST(ImageTest, SpecsAreValidated) {
  EXPECT_FALSE(ValidateResize(ResizeSpec{ResizeMode::kFit, 0, 10}).ok());
  EXPECT_FALSE(ValidateResize(ResizeSpec{ResizeMode::kShorterSide, 10, 10, 0}).ok());
  EXPECT_FALSE(ValidateResize(ResizeSpec{ResizeMode::kExact, 70000, 1}).ok());
  EXPECT_TRUE(ValidateResize(ResizeSpec{ResizeMode::kShorterSide, 0, 0, 224}).ok());
  EXPECT_FALSE(ValidateConvert(ConvertSpec{"gif"}).ok());
  EXPECT_FALSE(ValidateConvert(ConvertSpec{"jpeg", 0}).ok());
  EXPECT_TRUE(ValidateConvert(ConvertSpec{"jpg", 75}).ok());
  EXPECT_FALSE(ParseResizeMode("stretch").ok());
  EXPECT_FALSE(ParseInterpolation("lanczos").ok());
  EXPECT_FALSE(ParseColor("cmyk").ok());
  EXPECT_EQ(ExtensionOf("jpeg"), ".jpg");
  EXPECT_EQ(*NormalizeOutputFormat("jpg"), "jpeg");
}

// Run by ctest as `image_module_missing`, with MOEBIUS_IMAGE_MODULE naming a file that is not
// there: what needs pixels is a clear kUnavailable naming the module, what needs only headers or
// specs still works, and nothing crashes. Skipped in the ordinary run.
TEST(ImageModuleMissing, DecodingSaysWhatIsMissing) {
  if (!std::getenv("MOEBIUS_EXPECT_NO_IMAGE_MODULE")) GTEST_SKIP() << "run by ctest's image_module_missing";
  std::string png = Encode(Picture(20, 10, 3), ".png");
  auto header = ReadHeader(png);
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  EXPECT_EQ(header->width, 20);
  EXPECT_TRUE(ValidateResize(ResizeSpec{ResizeMode::kFit, 8, 8}).ok());
  EXPECT_FALSE(CanWrite("png"));
  std::vector<Status> failures = {Probe(png).status(), Resize(png, ResizeSpec{ResizeMode::kFit, 8, 8}).status(),
                                  Convert(png, ConvertSpec{"jpeg"}).status(), NormalizeOutputFormat("png").status(),
                                  DecodePixels(png, ResizeSpec{ResizeMode::kFill, 8, 8}, 3).status()};
  for (const Status& st : failures) {
    EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
    EXPECT_NE(st.message().find("libmoebius-image.so"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("no-such-dir"), std::string::npos) << st.message();
  }
  // The header checks still come first: a bomb is refused without the module.
  EXPECT_EQ(Probe(png, Limits{100}).status().code(), StatusCode::kTooLarge);
}

}  // namespace
}  // namespace moebius::data::image
