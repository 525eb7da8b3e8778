"""Detection mAP over an exported COCO file equals our evaluation library's over the labeled data:
ground truth labeled through a labeling project (imported, reviewed, finished into a labeled
version), its COCO export read by the pycocotools-style evaluator of tests/eval, and the same
detections scored by moebius_eval_ref (src/eval/detection.h) on the boxes the labeled version's
items carry. Equal per class to 1e-9, so the export holds every box the evaluation needs."""
import json
import os
import random
import sys

import numpy as np

from labelhelpers import Setup
from test_images import png

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "eval"))
from test_eval_vs_sklearn import coco_ap, run  # noqa: E402

CLASSES = ["car", "bus", "사람"]


def test_map_over_exported_coco_equals_the_evaluation_library(server, admin):
    s = Setup(server, admin, "lbl-map")
    rng = random.Random(7)
    sizes = [(97, 61), (40, 123), (64, 64), (150, 33), (81, 81), (33, 77)]
    version = s.dataset("scenes", "vision", [(f"s{i}.png", png(w, h, seed=i)) for i, (w, h) in enumerate(sizes)])
    s.labeling("gt", "scenes", version, "objs", {"task_type": "object_detection", "classes": [{"name": c} for c in CLASSES]})
    lines, truth = [], {}
    for i, (w, h) in enumerate(sizes):
        boxes = []
        for _ in range(rng.randint(1, 4)):
            bw, bh = rng.uniform(4, w / 2), rng.uniform(4, h / 2)
            x, y = rng.uniform(0, w - bw), rng.uniform(0, h - bh)
            boxes.append({"class": rng.choice(CLASSES), "x": round(x, 3), "y": round(y, 3), "w": round(bw, 3), "h": round(bh, 3)})
        truth[f"s{i}.png"] = boxes
        lines.append(json.dumps({"path": f"s{i}.png", "annotation": {"boxes": boxes}}))
    s.rev.ok("POST", s.lp("gt") + "/import", params={"format": "jsonl", "labeler": s.names["lab1"]}, data="\n".join(lines).encode())
    for a in s.mine(s.lab1, "gt"):
        s.rev.ok("POST", s.lp("gt") + f"/assignments/{a['id']}/review", json={"decision": "accept"})
    labeled = s.rev.ok("POST", s.lp("gt") + "/finish", json={})["version"]["name"]

    # Detections near the true boxes (some with the wrong class) and some on the background.
    dets = []
    for i, (w, h) in enumerate(sizes):
        for b in truth[f"s{i}.png"]:
            for _ in range(rng.randint(0, 2)):
                j = [rng.gauss(0, 2) for _ in range(4)]
                cls = b["class"] if rng.random() < 0.85 else rng.choice(CLASSES)
                dets.append({"image": i, "label": CLASSES.index(cls), "score": round(rng.random(), 3),
                             "box": [b["x"] + j[0], b["y"] + j[1], b["x"] + j[0] + max(b["w"] + j[2], 1), b["y"] + j[1] + max(b["h"] + j[3], 1)]})
        dets.append({"image": i, "label": rng.randrange(3), "score": round(rng.random(), 3), "box": [0, 0, 5, 5]})

    # Ours: the evaluation library on the labeled version's boxes.
    items = s.admin.ok("GET", f"/api/v1/projects/{s.p}/datasets/scenes/versions/{labeled}/items")["items"]
    gts = []
    for it in items:
        i = int(it["path"][1:-4])
        for b in it["meta"]["annotations"]["boxes"]:
            gts.append({"image": i, "label": CLASSES.index(b["class"]), "box": [b["x"], b["y"], b["x"] + b["w"], b["y"] + b["h"]]})
    ours = run([{"fn": "detection", "ground_truth": gts, "detections": dets}])[0]["value"]

    # The reference: pycocotools-style AP over the exported COCO file.
    coco = s.rev.get(s.lp("gt") + "/export", params={"format": "coco"}).json()
    image_of = {im["id"]: int(im["file_name"][1:-4]) for im in coco["images"]}
    name_of = {c["id"]: c["name"] for c in coco["categories"]}
    exported = [{"image": image_of[a["image_id"]], "label": CLASSES.index(name_of[a["category_id"]]),
                 "box": [a["bbox"][0], a["bbox"][1], a["bbox"][0] + a["bbox"][2], a["bbox"][1] + a["bbox"][3]]} for a in coco["annotations"]]
    assert len(exported) == len(gts) == sum(len(b) for b in truth.values())
    thresholds = np.linspace(0.5, 0.95, 10)
    labels = sorted({g["label"] for g in exported})
    by_label = {c["label"]: c for c in ours["per_class"]}
    assert sorted(by_label) == labels
    for label in labels:
        c = by_label[label]
        g = [x for x in exported if x["label"] == label]
        d = [x for x in dets if x["label"] == label]
        want = float(np.mean([coco_ap(g, d, t) for t in thresholds]))
        assert abs(c["ap_coco"] - want) <= 1e-9 * max(1, abs(want)), (label, c["ap_coco"], want)
