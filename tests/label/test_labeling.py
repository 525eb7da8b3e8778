"""Labeling projects against the real binary (LBL-1 to LBL-5): schemas by version, projects over
a data version cut into batches, round-robin assignment with overlap, drafts and submissions
checked against the schema and the item (a box outside the odd-sized image, an unknown class, a
span past the Korean text are 400s naming the field), review with rejection and acceptance, the
history of every change with who and when, finishing into a labeled dataset version whose items
carry their annotations, and the diff between two labeled versions naming the kind of change."""
import pytest

from labelhelpers import Setup
from test_images import png

CARS = {"task_type": "object_detection",
        "classes": [{"name": "car", "color": "#ff0000", "hotkey": "1", "description": "a car"}, {"name": "bus", "hotkey": "2"}]}


def box(cls, x, y, w, h):
    return {"class": cls, "x": x, "y": y, "w": w, "h": h}


@pytest.fixture(scope="module")
def vision(server, admin):
    s = Setup(server, admin, "lbl-vision")
    # Odd sizes: 37x23 and 5x91 and 64x64.
    version = s.dataset("street", "vision", [("a.png", png(37, 23)), ("b.png", png(5, 91, seed=1)), ("c.png", png(64, 64, seed=2))])
    s.labeling("det", "street", version, "cars", CARS, overlap=2, batch_size=2)
    return s


def test_schema_versions_and_refusals(vision):
    s = vision
    base = f"/api/v1/projects/{s.p}/label-schemas"
    again = s.rev.ok("POST", base, json={"name": "cars", "spec": {**CARS, "classes": CARS["classes"] + [{"name": "truck"}]}})["schema"]
    assert again["version"] == 2
    versions = s.rev.ok("GET", base + "/cars")["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert [c["name"] for c in versions[0]["spec"]["classes"]] == ["car", "bus"]
    r = s.rev.post(base, json={"name": "bad", "spec": {"task_type": "object_detection", "classes": [{"name": "a", "hotkey": "xy"}]}})
    assert r.status_code == 400 and "spec.classes[0].hotkey" in r.json()["message"]
    # Labelers may not define schemas (label.manage).
    assert s.lab1.post(base, json={"name": "x", "spec": CARS}).status_code == 403


def test_batches_round_robin_and_progress(vision):
    s = vision
    lp = s.rev.ok("GET", s.lp("det"))["labeling_project"]
    assert lp["item_count"] == 3 and lp["data_version"] == "v1" and lp["schema"]["version"] == 1
    assert [b["items"] for b in lp["progress"]["batches"]] == [2, 1]
    r = s.rev.post(s.lp("det") + "/assign", json={"mode": "round_robin", "labelers": [s.names["lab1"]], "overlap": 2})
    assert r.status_code == 400 and "overlap" in r.json()["message"]
    r = s.rev.post(s.lp("det") + "/assign", json={"mode": "round_robin", "labelers": ["nobody-at-all"]})
    assert r.status_code == 400 and "nobody-at-all" in r.json()["message"]
    added = s.rev.ok("POST", s.lp("det") + "/assign", json={"mode": "round_robin", "labelers": [s.names["lab1"], s.names["lab2"]]})
    assert added["added"] == 6  # 3 items x overlap 2
    again = s.rev.ok("POST", s.lp("det") + "/assign", json={"mode": "round_robin", "labelers": [s.names["lab1"], s.names["lab2"]]})
    assert again["added"] == 0
    progress = again["progress"]
    assert progress["states"]["todo"] == 6
    assert {l["labeler"]: l["total"] for l in progress["labelers"]} == {s.names["lab1"]: 3, s.names["lab2"]: 3}
    items = s.rev.ok("GET", s.lp("det") + "/items", params={"batch": 1})["items"]
    assert [i["path"] for i in items] == ["a.png", "b.png"] and all(len(i["assignments"]) == 2 for i in items)


def test_annotate_review_history_and_finish(vision):
    s = vision
    mine = {a["path"]: a for a in s.mine(s.lab1, "det")}
    theirs = {a["path"]: a for a in s.mine(s.lab2, "det")}
    a1 = mine["a.png"]["id"]
    url = s.lp("det") + f"/assignments/{a1}"
    # A draft (autosave), then refusals that name the field.
    saved = s.lab1.ok("PUT", url, json={"annotation": {"boxes": [box("car", 1, 2, 30, 20)]}})["assignment"]
    assert saved["state"] == "in_progress" and saved["revision"] == 1
    r = s.lab1.request("PUT", url, json={"annotation": {"boxes": [box("car", 10, 2, 30, 20)]}})  # 10 + 30 > 37
    assert r.status_code == 400 and "annotation.boxes[0]" in r.json()["message"] and "outside the image" in r.json()["message"]
    r = s.lab1.request("PUT", url, json={"annotation": {"boxes": [box("tram", 1, 2, 3, 4)]}})
    assert r.status_code == 400 and "tram" in r.json()["message"]
    r = s.lab1.request("PUT", url, json={"annotation": {"boxes": [{"class": "car", "x": "1", "y": 0, "w": 1, "h": 1}]}})
    assert r.status_code == 400 and "annotation.boxes[0].x" in r.json()["message"]
    # Someone else's assignment is not yours to change; viewers and reviewers may not label.
    r = s.lab2.request("PUT", url, json={"annotation": {"boxes": []}})
    assert r.status_code == 400 and s.names["lab1"] in r.json()["message"]
    assert s.rev.request("PUT", url, json={"annotation": {"boxes": []}}).status_code == 403
    # Submit, reject with a comment, fix, submit, accept.
    s.lab1.ok("POST", url + "/submit", json={"annotation": {"boxes": [box("car", 1, 2, 30, 20)]}})
    assert s.lab1.request("PUT", url, json={"annotation": {"boxes": []}}).status_code == 400  # submitted: frozen
    queue = s.rev.ok("GET", s.lp("det") + "/assignments", params={"state": "submitted"})["assignments"]
    assert [q["id"] for q in queue] == [a1]
    assert s.rev.post(url + "/review", json={"decision": "reject"}).status_code == 400  # a rejection needs a comment
    assert s.lab1.post(url + "/review", json={"decision": "accept"}).status_code == 403
    rej = s.rev.ok("POST", url + "/review", json={"decision": "reject", "comment": "the bus is missing"})["assignment"]
    assert rej["state"] == "rejected" and rej["comment"] == "the bus is missing" and rej["reviewer"] == s.names["rev"]
    s.lab1.ok("PUT", url, json={"annotation": {"boxes": [box("car", 1, 2, 30, 20), box("bus", 0, 0, 5, 5)]}})
    s.lab1.ok("POST", url + "/submit", json={"annotation": {"boxes": [box("car", 1, 2, 30, 20), box("bus", 0, 0, 5, 5)]}})
    s.rev.ok("POST", url + "/review", json={"decision": "accept"})
    # The history of the item: every change, who and when, with the annotation after it.
    item = mine["a.png"]["item_id"]
    events = s.rev.ok("GET", s.lp("det") + "/history", params={"item": item})["events"]
    mine_events = [(e["action"], e["actor"]) for e in events if e["assignment_id"] == a1]
    L1, REV = s.names["lab1"], s.names["rev"]
    assert mine_events == [("assign", REV), ("save", L1), ("submit", L1), ("reject", REV), ("save", L1), ("submit", L1), ("accept", REV)]
    assert all(e["at"] > 0 and e["path"] == "a.png" for e in events)
    assert events[-1]["action"] == "accept" and [e for e in events if e["action"] == "reject"][0]["comment"] == "the bus is missing"
    assert len([e for e in events if e["action"] == "save"][-1]["annotation"]["boxes"]) == 2

    # Unfinished items block finishing unless partial; then everything else is labeled and accepted.
    r = s.rev.post(s.lp("det") + "/finish", json={})
    assert r.status_code == 400 and "2 of 3 items" in r.json()["message"]
    todo = {"b.png": [box("car", 0, 0, 5, 91)], "c.png": [box("bus", 10, 10, 20, 20)]}
    for client, assignments in ((s.lab1, mine), (s.lab2, theirs)):
        for path, a in assignments.items():
            if a["id"] == a1:
                continue
            boxes = todo.get(path, [box("car", 2, 2, 30, 20)])
            client.ok("POST", s.lp("det") + f"/assignments/{a['id']}/submit", json={"annotation": {"boxes": boxes}})
            s.rev.ok("POST", s.lp("det") + f"/assignments/{a['id']}/review", json={"decision": "accept"})
    agreement = s.rev.ok("GET", s.lp("det") + "/agreement")["agreement"]
    assert agreement["items_compared"] == 3 and agreement["task_type"] == "object_detection"
    # a.png: lab1 has car + bus, lab2 one car (IoU of the cars (29x20 overlap) / ... > 0.5): 1 matched of 3.
    assert agreement["disagreement_count"] == 1 and agreement["disagreements"][0]["path"] == "a.png"
    assert agreement["hlp"]["metric"] == "f1"
    assert agreement["overall"]["f1"] == pytest.approx(2 * 3 / (4 + 3))

    done = s.rev.ok("POST", s.lp("det") + "/finish", json={"message": "first labels"})["version"]
    assert done["status"] == "labeled" and done["name"] == "v2" and done["derived"]["annotated_items"] == 3
    items = s.admin.ok("GET", f"/api/v1/projects/{s.p}/datasets/street/versions/v2/items")["items"]
    meta = {i["path"]: i["meta"] for i in items}
    # Both labelers' a.png were accepted; the item carries the later acceptance (lab2's).
    assert meta["a.png"]["annotations"] == {"boxes": [box("car", 2, 2, 30, 20)]}
    lp = s.rev.ok("GET", s.lp("det"))["labeling_project"]
    assert lp["state"] == "finished" and lp["result_version"] == "v2"
    assert s.lab1.request("PUT", url, json={"annotation": {"boxes": []}}).status_code == 400
    assert s.rev.post(s.lp("det") + "/finish", json={}).status_code == 400

    # A second round over v2 changes one box: the diff v2 → v3 names a box change.
    s.labeling("det2", "street", "v2", "cars", CARS)
    s.rev.ok("POST", s.lp("det2") + "/assign", json={"mode": "manual", "labelers": [s.names["lab3"]]})
    for a in s.mine(s.lab3, "det2"):
        boxes = meta[a["path"]]["annotations"]["boxes"]
        if a["path"] == "c.png":
            boxes = [box("bus", 11, 10, 20, 20)]
        s.lab3.ok("POST", s.lp("det2") + f"/assignments/{a['id']}/submit", json={"annotation": {"boxes": boxes}})
        s.rev.ok("POST", s.lp("det2") + f"/assignments/{a['id']}/review", json={"decision": "accept"})
    v3 = s.rev.ok("POST", s.lp("det2") + "/finish", json={})["version"]["name"]
    diff = s.admin.ok("GET", f"/api/v1/projects/{s.p}/datasets/street/diff", params={"from": "v2", "to": v3})
    assert diff["annotation_changes"] == [{"path": "c.png", "kinds": ["box change"]}]


def test_korean_entity_spans_and_qa(server, admin):
    s = Setup(server, admin, "lbl-text")
    text = "김철수는 서울에서 일한다. Kim works in Seoul."
    qa = '{"context": "세종대왕은 한글을 만들었다.", "question": "누가 한글을 만들었나?"}'
    version = s.dataset("news", "language", [("n1.txt", text.encode()), ("q1.json", qa.encode())])
    s.labeling("ner", "news", version, "ents", {"task_type": "ner", "classes": [{"name": "PER"}, {"name": "LOC"}]}, path_prefix="n")
    s.rev.ok("POST", s.lp("ner") + "/assign", json={"mode": "manual", "labelers": [s.names["lab1"]]})
    (a,) = s.mine(s.lab1, "ner")
    url = s.lp("ner") + f"/assignments/{a['id']}"
    seoul = text.index("서울")  # a code-point offset: Python's str indexes code points too
    got = s.lab1.ok("PUT", url, json={"annotation": {"spans": [{"class": "PER", "start": 0, "end": 3},
                                                                {"class": "LOC", "start": seoul, "end": seoul + 2}]}})["assignment"]
    assert [sp["text"] for sp in got["annotation"]["spans"]] == ["김철수", "서울"]
    r = s.lab1.request("PUT", url, json={"annotation": {"spans": [{"class": "LOC", "start": len(text) - 2, "end": len(text) + 1}]}})
    assert r.status_code == 400 and "past the text" in r.json()["message"]
    r = s.lab1.request("PUT", url, json={"annotation": {"spans": [{"class": "PER", "start": 0, "end": 3}, {"class": "LOC", "start": 2, "end": 5}]}})
    assert r.status_code == 400 and "overlaps" in r.json()["message"]

    s.labeling("qa", "news", version, "answers", {"task_type": "qa"}, path_prefix="q")
    s.rev.ok("POST", s.lp("qa") + "/assign", json={"mode": "manual", "labelers": [s.names["lab2"]]})
    (q,) = s.mine(s.lab2, "qa")
    url = s.lp("qa") + f"/assignments/{q['id']}"
    assert s.lab2.request("POST", url + "/submit", json={"annotation": {}}).status_code == 400  # no answer, not marked impossible
    got = s.lab2.ok("POST", url + "/submit", json={"annotation": {"answers": [{"start": 0, "end": 4}]}})["assignment"]
    assert got["annotation"]["answers"][0]["text"] == "세종대왕" and got["state"] == "submitted"
    content = s.lab2.get(s.lp("qa") + f"/items/{q['item_id']}/content")
    assert content.status_code == 200 and content.json()["question"] == "누가 한글을 만들었나?"


def test_agreement_is_the_human_level_baseline_of_evaluations(server, admin):
    s = Setup(server, admin, "lbl-hlp")
    version = s.dataset("tweets", "language", [(f"t{i}.txt", f"글 {i}".encode()) for i in range(4)])
    s.labeling("sent", "tweets", version, "mood", {"task_type": "text_classification", "classes": [{"name": "pos"}, {"name": "neg"}]},
               overlap=2)
    s.rev.ok("POST", s.lp("sent") + "/assign", json={"mode": "round_robin", "labelers": [s.names["lab1"], s.names["lab2"]]})
    given = {"lab1": ["pos", "pos", "neg", "neg"], "lab2": ["pos", "neg", "neg", "neg"]}  # agree on 3 of 4
    for who, client in (("lab1", s.lab1), ("lab2", s.lab2)):
        for a in s.mine(client, "sent"):
            cls = given[who][int(a["path"][1])]
            client.ok("POST", s.lp("sent") + f"/assignments/{a['id']}/submit", json={"annotation": {"classes": [cls]}})
            if who == "lab1":
                s.rev.ok("POST", s.lp("sent") + f"/assignments/{a['id']}/review", json={"decision": "accept"})
    assert s.rev.ok("GET", s.lp("sent") + "/agreement")["agreement"]["hlp"] == {"metric": "accuracy", "value": 0.75}
    labeled = s.rev.ok("POST", s.lp("sent") + "/finish", json={})["version"]["name"]
    items = s.admin.ok("GET", f"/api/v1/projects/{s.p}/datasets/tweets/versions/{labeled}/items")["items"]
    assert [i["meta"]["label"] for i in sorted(items, key=lambda i: i["path"])] == given["lab1"]

    exp = s.admin.ok("POST", f"/api/v1/projects/{s.p}/experiments", json={"name": "hlp-exp"})["experiment"]["experiment_id"]
    run = s.admin.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp})["run"]["info"]["run_id"]
    s.admin.ok("POST", f"/api/v1/runs/{run}/inputs", json={"kind": "dataset_version", "ref": f"{s.p}/tweets@{labeled}"})
    s.admin.ok("POST", f"/api/v1/runs/{run}/evaluations",
               json={"name": "eval", "problem": "classification", "y_true": given["lab1"], "y_pred": ["pos", "pos", "neg", "pos"]})
    b = s.admin.ok("GET", f"/api/v1/runs/{run}/evaluation")["evaluation"]["baselines"]
    assert b["human"]["metrics"] == {"accuracy": 0.75}
    assert b["human"]["labeling_project"] == "sent" and b["human"]["labeled_version"] == labeled
    assert "sent" in b["human_note"]
