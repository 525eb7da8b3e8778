// Labeling benchmarks (issue 15), run by bench/label.sh beside bench/label_reference.py:
//   bench_label coco OUT_FILE IMAGES BOXES_PER_IMAGE  — the streamed COCO export of generated boxes
//   bench_label agreement ITEMS LABELERS              — the agreement report of generated classes
// Prints one JSON line with the seconds taken and what the reference compares.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "label/agreement.h"
#include "label/formats.h"

using namespace moebius;
using namespace moebius::label;

namespace {

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The generator bench/label_reference.py repeats: a 64-bit LCG.
struct Lcg {
  uint64_t x;
  uint64_t Next() {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  }
};

const char* kClasses[] = {"car", "bus", "person"};

int Coco(const char* out_path, int images, int per_image) {
  Json spec{{"task_type", "object_detection"}, {"classes", {{{"name", "car"}}, {{"name", "bus"}}, {{"name", "person"}}}}};
  std::vector<ExportItem> items;
  items.reserve(images);
  for (int i = 0; i < images; ++i) {
    ExportItem e;
    e.item.path = "images/" + std::to_string(i) + ".jpg";
    e.item.width = 640;
    e.item.height = 480;
    Json boxes = Json::array();
    for (int k = 0; k < per_image; ++k) {
      int n = i * per_image + k;
      boxes.push_back({{"class", kClasses[n % 3]}, {"x", n % 600}, {"y", n % 400}, {"w", 10 + n % 30}, {"h", 5 + n % 70}});
    }
    e.annotation = Json{{"boxes", std::move(boxes)}};
    items.push_back(std::move(e));
  }
  FILE* f = std::fopen(out_path, "wb");
  if (!f) return 2;
  auto t0 = std::chrono::steady_clock::now();
  auto exporter = MakeExporter("coco", spec, std::move(items));
  if (!exporter.ok()) return 3;
  size_t bytes = 0;
  for (;;) {
    auto piece = (*exporter)->Next();
    if (!piece.ok()) return 4;
    if (piece->empty()) break;
    bytes += piece->size();
    std::fwrite(piece->data(), 1, piece->size(), f);
  }
  std::fclose(f);
  std::printf("%s\n", Json{{"format", "coco"}, {"boxes", images * per_image}, {"bytes", bytes}, {"seconds", Since(t0)}}.dump().c_str());
  return 0;
}

int Agreement(int n, int raters) {
  Json spec{{"task_type", "image_classification"}, {"classes", {{{"name", "car"}}, {{"name", "bus"}}, {{"name", "person"}}}}};
  std::vector<Annotated> as;
  as.reserve(static_cast<size_t>(n) * raters);
  Lcg g{15};
  for (int i = 0; i < n; ++i) {
    int truth = static_cast<int>(g.Next() % 3);
    for (int r = 0; r < raters; ++r) {
      int c = g.Next() % 10 < 7 ? truth : static_cast<int>(g.Next() % 3);
      as.push_back({i + 1, "i" + std::to_string(i), "l" + std::to_string(r), Json{{"classes", {kClasses[c]}}}});
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  Json report = AgreementReport(spec, as);
  double s = Since(t0);
  Json pairs = Json::array();
  for (const Json& p : report["pairs"]) pairs.push_back(p["cohen_kappa"]);
  std::printf("%s\n", Json{{"items", n},
                           {"labelers", raters},
                           {"seconds", s},
                           {"cohen_kappa", pairs},
                           {"fleiss_kappa", report["overall"]["fleiss_kappa"]},
                           {"krippendorff_alpha", report["overall"]["krippendorff_alpha"]}}
                          .dump()
                          .c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "coco" && argc == 5) return Coco(argv[2], std::atoi(argv[3]), std::atoi(argv[4]));
  if (mode == "agreement" && argc == 4) return Agreement(std::atoi(argv[2]), std::atoi(argv[3]));
  std::fprintf(stderr, "usage: bench_label coco OUT IMAGES BOXES_PER_IMAGE | agreement ITEMS LABELERS\n");
  return 1;
}
