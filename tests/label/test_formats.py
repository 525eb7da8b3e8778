"""Import and export through the API (LBL-6): malformed imports (bad JSON, a box outside the
image, a span past the text, an unknown class, an item that is not in the project) are 400s that
name the item and import nothing; a good import becomes the labeler's submitted work with an
"import" event in the history; exports stream (chunked) and read back equal; the CLI's
`moebius label import|export|status|agreement` drive the same routes."""
import json
import os
import subprocess
import tarfile
import io

from labelhelpers import Setup
from test_images import png

SPEC = {"task_type": "object_detection", "classes": [{"name": "자동차"}, {"name": "bus"}]}


def coco(images, annotations, categories=None):
    return json.dumps({"images": images, "annotations": annotations,
                       "categories": categories or [{"id": 1, "name": "자동차"}, {"id": 2, "name": "bus"}]}).encode()


def test_import_refusals_import_nothing_and_a_good_import(server, admin):
    s = Setup(server, admin, "lbl-io")
    v = s.dataset("cams", "vision", [("x/a.png", png(37, 23)), ("x/b.png", png(5, 91, seed=3))])
    s.labeling("det", "cams", v, "objs", SPEC)
    url = s.lp("det") + "/import"
    images = [{"id": 1, "file_name": "x/a.png", "width": 37, "height": 23}, {"id": 2, "file_name": "x/b.png", "width": 5, "height": 91}]
    good_b = {"id": 2, "image_id": 2, "category_id": 1, "bbox": [0, 0, 5, 90]}
    cases = [
        (b"{not json", "not valid JSON"),
        (coco(images, [good_b, {"id": 1, "image_id": 1, "category_id": 2, "bbox": [30, 0, 10, 5]}]), "item 'x/a.png'"),  # 30 + 10 > 37
        (coco(images, [good_b, {"id": 1, "image_id": 1, "category_id": 3, "bbox": [0, 0, 1, 1]}],
              [{"id": 1, "name": "자동차"}, {"id": 3, "name": "tram"}]), "tram"),
        (coco([{"id": 1, "file_name": "x/zzz.png"}], []), "'x/zzz.png' is not an item"),
    ]
    for body, needle in cases:
        r = s.rev.post(url, params={"format": "coco"}, data=body)
        assert r.status_code == 400 and needle in r.json()["message"], r.text
        if needle.startswith("item '"):
            assert "outside the image" in r.json()["message"]
        assert s.rev.ok("GET", s.lp("det"))["labeling_project"]["progress"]["assignments"] == 0  # nothing imported
    assert s.rev.post(url, data=b"{}").status_code == 400  # no format named
    assert s.lab1.post(url, params={"format": "coco"}, data=coco(images, [good_b])).status_code == 403

    body = coco(images, [good_b, {"id": 1, "image_id": 1, "category_id": 2, "bbox": [1.5, 2, 30.25, 20]}])
    r = s.rev.ok("POST", url, params={"format": "coco", "labeler": s.names["lab1"]}, data=body)
    assert r["imported"] == 2 and r["labeler"] == s.names["lab1"] and r["progress"]["states"]["submitted"] == 2
    mine = s.mine(s.lab1, "det")
    assert {a["state"] for a in mine} == {"submitted"}
    events = s.rev.ok("GET", s.lp("det") + "/history")["events"]
    assert [(e["action"], e["actor"], e["comment"]) for e in events] == [("import", s.names["rev"], "from coco")] * 2
    # Importing over submitted work is refused, again all or nothing.
    assert s.rev.post(url, params={"format": "coco", "labeler": s.names["lab1"]}, data=body).status_code in (400, 409)

    # Export: streamed, and what was imported comes back.
    resp = s.rev.get(s.lp("det") + "/export", params={"format": "coco", "source": "submitted"})
    assert resp.status_code == 200 and resp.headers.get("Transfer-Encoding") == "chunked"
    out = resp.json()
    boxes = {(out["images"][a["image_id"] - 1]["file_name"], a["category_id"], tuple(a["bbox"])) for a in out["annotations"]}
    assert boxes == {("x/a.png", 2, (1.5, 2, 30.25, 20)), ("x/b.png", 1, (0, 0, 5, 90))}
    assert {(i["file_name"], i["width"], i["height"]) for i in out["images"]} == {("x/a.png", 37, 23), ("x/b.png", 5, 91)}
    # Accepted only (the default): nothing accepted yet, an empty file.
    assert s.rev.ok("GET", s.lp("det") + "/export", params={"format": "coco"})["annotations"] == []
    # YOLO: a tar with classes.txt and one label file per image.
    tar = tarfile.open(fileobj=io.BytesIO(s.rev.get(s.lp("det") + "/export", params={"format": "yolo", "source": "submitted"}).content))
    names = sorted(tar.getnames())
    assert names == ["classes.txt", "labels/x/a.txt", "labels/x/b.txt"]
    assert tar.extractfile("classes.txt").read().decode() == "자동차\nbus\n"
    assert s.rev.get(s.lp("det") + "/export", params={"format": "squad2"}).status_code == 400  # cannot hold boxes


def test_spans_past_the_text_and_the_cli(server, admin, tmp_path):
    s = Setup(server, admin, "lbl-io2")
    text = "이순신은 한산도에서 싸웠다."
    v = s.dataset("docs", "language", [("d1.txt", text.encode())])
    s.labeling("ner", "docs", v, "ents", {"task_type": "ner", "classes": [{"name": "PER"}, {"name": "LOC"}]})
    url = s.lp("ner") + "/import"
    bad = json.dumps({"path": "d1.txt", "annotation": {"spans": [{"class": "LOC", "start": 5, "end": 40}]}}) + "\n"
    r = s.rev.post(url, params={"format": "jsonl"}, data=bad.encode())
    assert r.status_code == 400 and "item 'd1.txt'" in r.json()["message"] and "past the text" in r.json()["message"]
    good = json.dumps({"path": "d1.txt", "annotation": {"spans": [{"class": "PER", "start": 0, "end": 3}]}}) + "\n"

    env = dict(os.environ, MOEBIUS_SERVER=server.url, MOEBIUS_TOKEN=s.rev.s.headers["Authorization"].split(" ", 1)[1])
    binary = os.environ["MOEBIUS_BIN"]
    tmp = str(tmp_path)
    path = os.path.join(tmp, "in.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write(good)
    run = lambda *args: subprocess.run([binary, *args], env=env, capture_output=True, text=True, timeout=60)
    r = run("label", "import", s.p, "ner", path, "--format", "jsonl")
    assert r.returncode == 0 and "imported 1" in r.stdout, r.stdout + r.stderr
    r = run("label", "status", s.p, "ner")
    assert r.returncode == 0 and s.names["rev"] in r.stdout, r.stdout + r.stderr
    out = os.path.join(tmp, "out.txt")
    r = run("label", "export", s.p, "ner", "--format", "conll2003", "--source", "submitted", "-o", out)
    assert r.returncode == 0, r.stderr
    lines = open(out, encoding="utf-8").read().splitlines()
    assert lines[0] == "-DOCSTART- -X- d1.txt O"
    assert lines[2] == "이순신은 -X- -X- B-PER"  # the span is inside the token "이순신은": CoNLL widens it
    r = run("label", "agreement", s.p, "ner", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["agreement"]["items_compared"] == 0
