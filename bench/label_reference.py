"""The references of bench/label.sh, in the same run as bench_label:
  coco OUT IMAGES PER_IMAGE       json.dump of the same COCO structure bench_label exports
  agreement ITEMS LABELERS JSON   scikit-learn's cohen_kappa_score for each pair and statsmodels'
                                  fleiss_kappa on the same generated labels; checks bench_label's
                                  values (JSON, its output line) against them."""
import json
import sys
import time

CLASSES = ["car", "bus", "person"]


def coco(out, images, per_image):
    data = {"info": {"description": "Moebius labeling export", "version": "1.0"}, "licenses": [], "images": [], "annotations": [],
            "categories": [{"id": i + 1, "name": c, "supercategory": ""} for i, c in enumerate(CLASSES)]}
    for i in range(images):
        data["images"].append({"id": i + 1, "file_name": f"images/{i}.jpg", "width": 640, "height": 480})
        for k in range(per_image):
            n = i * per_image + k
            w, h = 10 + n % 30, 5 + n % 70
            data["annotations"].append({"id": n + 1, "image_id": i + 1, "category_id": n % 3 + 1, "bbox": [n % 600, n % 400, w, h],
                                        "area": w * h, "iscrowd": 0, "segmentation": []})
    t0 = time.perf_counter()
    with open(out, "w") as f:
        json.dump(data, f)
    print(json.dumps({"format": "coco", "boxes": images * per_image, "seconds": time.perf_counter() - t0, "tool": "python json.dump"}))


def agreement(n, raters, ours):
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import fleiss_kappa
    x = 15
    mask = (1 << 64) - 1

    def nxt():
        nonlocal x
        x = (x * 6364136223846793005 + 1442695040888963407) & mask
        return x >> 33
    labels = [[0] * n for _ in range(raters)]
    for i in range(n):
        truth = nxt() % 3
        for r in range(raters):
            labels[r][i] = truth if nxt() % 10 < 7 else nxt() % 3
    t0 = time.perf_counter()
    kappas = [float(cohen_kappa_score(labels[a], labels[b])) for a in range(raters) for b in range(a + 1, raters)]
    table = [[sum(1 for r in range(raters) if labels[r][i] == c) for c in range(3)] for i in range(n)]
    fleiss = float(fleiss_kappa(table, method="fleiss"))
    seconds = time.perf_counter() - t0
    ok = bool(len(kappas) == len(ours["cohen_kappa"])) and all(abs(a - b) < 1e-9 for a, b in zip(kappas, ours["cohen_kappa"])) and abs(fleiss - ours["fleiss_kappa"]) < 1e-9
    print(json.dumps({"items": n, "labelers": raters, "seconds": seconds, "tool": "sklearn cohen_kappa_score x pairs + statsmodels fleiss_kappa",
                      "cohen_kappa": kappas, "fleiss_kappa": fleiss, "equal_to_bench_label": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1] == "coco":
        coco(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(agreement(int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])))
