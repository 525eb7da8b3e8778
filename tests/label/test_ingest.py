"""Ingest stores what labeling formats need (issue 15, item 8): a vision round with YOLO's empty
label files, data.yaml, a mask as .npy and a README is stored whole; what is suspicious (an empty
image, an image that does not decode) is a finding of the quality report, while an empty label
file is not; a dataset that opts into strict ingest refuses the round, naming the file."""
from datahelpers import tar_bytes, upload
from test_images import png


def test_sidecars_and_empty_files_are_stored_and_suspicious_ones_reported(admin, unique):
    p = unique("ingest")
    admin.ok("POST", "/api/v1/projects", json={"name": p})
    members = [("images/a.png", png(8, 6)), ("images/b.png", png(9, 7, seed=1)), ("labels/a.txt", b"0 0.5 0.5 0.2 0.2\n"),
               ("labels/b.txt", b""), ("data.yaml", b"names: [car]\n"), ("masks/a.npy", b"\x93NUMPY\x01\x00fake"),
               ("README", b"Street scenes\n"), ("images/empty.png", b""), ("images/broken.png", b"\x89PNG\r\n\x1a\nnot really")]
    admin.ok("POST", f"/api/v1/projects/{p}/datasets", json={"name": "yolo", "domain": "vision"})
    r = upload(admin, p, "yolo", tar_bytes(members))
    assert r.status_code == 200, r.text
    assert r.json()["round"]["items"] == len(members)
    v = admin.ok("POST", f"/api/v1/projects/{p}/datasets/yolo/versions", json={"rounds": [r.json()["round"]["number"]]})["version"]["name"]
    quality = admin.ok("GET", f"/api/v1/projects/{p}/datasets/yolo/versions/{v}/quality")["items"]
    findings = {f["kind"]: f for f in quality["findings"]}
    assert findings["empty_items"]["examples"] == ["images/empty.png"]  # the empty label file is expected, not a finding
    assert "images/broken.png" in findings["undecodable_images"]["examples"]

    admin.ok("POST", f"/api/v1/projects/{p}/datasets", json={"name": "strict", "domain": "vision", "strict_ingest": True})
    assert admin.ok("GET", f"/api/v1/projects/{p}/datasets/strict")["dataset"]["strict_ingest"] is True
    r = upload(admin, p, "strict", tar_bytes(members))
    assert r.status_code == 400
    assert "labels/b.txt is empty" in r.json()["message"] or "data.yaml" in r.json()["message"] or "empty.png" in r.json()["message"]
    assert admin.ok("GET", f"/api/v1/projects/{p}/datasets/strict").get("rounds", []) == []
