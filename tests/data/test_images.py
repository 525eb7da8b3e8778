"""Image refinement and image quality against the real binary: ingest generated PNG and JPEG
images, make a refined version with resize_images + convert_images through the API, check the
exported items' formats and dimensions here (PNG IHDR, JPEG SOF parsed in Python, independently
of OpenCV), and find a corrupt image and a size outlier in the quality report.

The images are made in this file: PNG with zlib + struct, baseline JPEG with a tiny encoder of
DC-only blocks (standard Huffman DC table, an EOB-only AC table). No PIL, nothing downloaded."""
import io
import os
import struct
import sys
import tarfile
import zlib

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import Server  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from datahelpers import tar_bytes  # noqa: E402


# ---------------------------------------------------------------------------- image makers

def png(width, height, seed=0, color_type=2):
    channels = {0: 1, 2: 3, 6: 4}[color_type]
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            for c in range(channels):
                rows.append((x * (c + 1) + y * 3 + seed * 29) & 0xFF)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + chunk(b"IEND", b"")


def _huffman_codes(bits, values):
    """Canonical Huffman codes (JPEG Annex C) from the count of codes per length 1..16."""
    codes, code, k = {}, 0, 0
    for length, count in enumerate(bits, start=1):
        for _ in range(count):
            codes[values[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]  # the standard luminance DC table
DC_VALUES = list(range(12))
AC_BITS = [1] + [0] * 15  # one code, "0": end of block
AC_VALUES = [0x00]


def jpeg(width, height, seed=0):
    """A greyscale baseline JPEG whose 8x8 blocks are flat grey levels (quantisation table of
    ones, so a block's DC coefficient is 8 x (level - 128))."""
    def segment(marker, payload):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload

    dc_codes = _huffman_codes(DC_BITS, DC_VALUES)
    bits = []

    def put(value, length):
        bits.extend((value >> (length - 1 - i)) & 1 for i in range(length))

    prev = 0
    for by in range((height + 7) // 8):
        for bx in range((width + 7) // 8):
            level = 40 + (bx * 7 + by * 13 + seed * 5) % 180
            diff = 8 * (level - 128) - prev
            prev += diff
            cat = abs(diff).bit_length()
            put(*dc_codes[cat])
            if cat:
                put(diff if diff > 0 else diff + (1 << cat) - 1, cat)
            put(0, 1)  # EOB
    bits.extend([1] * (-len(bits) % 8))
    scan = bytearray()
    for i in range(0, len(bits), 8):
        byte = int("".join(map(str, bits[i:i + 8])), 2)
        scan.append(byte)
        if byte == 0xFF:
            scan.append(0)  # byte stuffing
    out = b"\xff\xd8"
    out += segment(0xDB, b"\x00" + b"\x01" * 64)
    out += segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    out += segment(0xC4, b"\x00" + bytes(DC_BITS) + bytes(DC_VALUES))
    out += segment(0xC4, b"\x10" + bytes(AC_BITS) + bytes(AC_VALUES))
    out += segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    return out + bytes(scan) + b"\xff\xd9"


# ---------------------------------------------------------------------------- header parsers

def image_info(data):
    """(format, width, height, components) from the PNG IHDR or the JPEG SOFn, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        w, h, _, color = struct.unpack(">IIBB", data[16:26])
        return "png", w, h, {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}[color]
    if data.startswith(b"\xff\xd8"):
        at = 2
        while at + 4 <= len(data):
            assert data[at] == 0xFF, f"no marker at {at}"
            marker = data[at + 1]
            length = struct.unpack(">H", data[at + 2:at + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                _, h, w, n = struct.unpack(">BHHB", data[at + 4:at + 10])
                return "jpeg", w, h, n
            at += 2 + length
    return None


@pytest.fixture(scope="module")
def env():
    server = Server().start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": "imgs"})
    yield server, admin
    server.cleanup()


def ingest(admin, dataset, members):
    base = f"/api/v1/projects/imgs/datasets/{dataset}"
    admin.ok("POST", "/api/v1/projects/imgs/datasets", json={"name": dataset, "domain": "vision"})
    up = admin.ok("POST", base + "/uploads", json={})["upload"]["id"]
    admin.ok("PUT", f"{base}/uploads/{up}/parts/1", data=tar_bytes(members))
    admin.ok("POST", f"{base}/uploads/{up}/complete", json={"format": "archive"})
    admin.ok("POST", base + "/versions", json={"rounds": [1]})
    return base


def exported(admin, base, version):
    r = admin.get(f"{base}/versions/{version}/archive")
    assert r.status_code == 200, r.text
    with tarfile.open(fileobj=io.BytesIO(r.content)) as t:
        return {m.name: t.extractfile(m).read() for m in t.getmembers()}


def test_generated_images_are_what_they_claim():
    assert image_info(png(7, 5)) == ("png", 7, 5, 3)
    assert image_info(jpeg(30, 20)) == ("jpeg", 30, 20, 1)


def test_resize_and_convert_through_the_api(env):
    server, admin = env
    members = [(f"cat/c{i}.png", png(80, 60, i)) for i in range(4)]
    members += [(f"dog/d{i}.jpg", jpeg(96, 64, i)) for i in range(4)]
    members += [("cat/alpha.png", png(40, 40, 9, color_type=6)), ("README.txt", b"not an image\n")]
    base = ingest(admin, "pets", members)
    admin.ok("POST", base + "/versions", json={"from_version": "v1", "status": "labeled", "labels": {"from": "folders"}})

    ops = [{"op": "resize_images", "mode": "fit", "width": 32, "height": 32, "interpolation": "area"},
           {"op": "convert_images", "format": "jpeg", "quality": 80}]
    v3 = admin.ok("POST", base + "/versions", json={"from_version": "v2", "status": "refined", "operations": ops})["version"]
    assert v3["name"] == "v3" and v3["status"] == "refined"
    resize, convert = v3["derived"]["refine_report"]
    assert resize == {"op": "resize_images", "images_changed": 9, "images_unchanged": 0, "skipped_non_images": 1,
                      "failed": 0, "failed_examples": []}
    assert convert["images_changed"] == 9 and convert["renamed"] == 5 and convert["failed"] == 0

    files = exported(admin, base, "v3")
    expected = {f"cat/c{i}.jpg": (32, 24) for i in range(4)}
    expected.update({f"dog/d{i}.jpg": (32, 21) for i in range(4)})  # 96x64 scaled by 1/3
    expected["cat/alpha.jpg"] = (32, 32)
    assert set(files) == set(expected) | {"README.txt"}
    assert files["README.txt"] == b"not an image\n"
    for path, (w, h) in expected.items():
        fmt, got_w, got_h, comps = image_info(files[path])
        assert (fmt, got_w, got_h) == ("jpeg", w, h), path
        assert files[path].endswith(b"\xff\xd9"), path
    assert image_info(files["cat/alpha.jpg"])[3] == 3  # alpha dropped: JPEG has none

    items = {i["path"]: i for i in admin.ok("GET", f"{base}/versions/v3/items")["items"]}
    assert items["cat/c0.jpg"]["meta"] == {"label": "cat", "width": 32, "height": 24}
    assert items["dog/d1.jpg"]["meta"] == {"label": "dog", "width": 32, "height": 21}
    assert items["README.txt"]["meta"] == {}

    # shorter_side and a conversion to greyscale PNG; the same request gives the same bytes.
    ops = [{"op": "resize_images", "mode": "shorter_side", "size": 40},
           {"op": "convert_images", "format": "png", "color": "gray"}]
    admin.ok("POST", base + "/versions", json={"from_version": "v2", "status": "refined", "operations": ops})
    admin.ok("POST", base + "/versions", json={"from_version": "v2", "status": "refined", "operations": ops})
    v4, v5 = exported(admin, base, "v4"), exported(admin, base, "v5")
    assert v4 == v5
    assert image_info(v4["cat/c0.png"]) == ("png", 53, 40, 1)   # 80x60 → 53.3x40
    assert image_info(v4["dog/d0.png"]) == ("png", 60, 40, 1)   # 96x64 → 60x40
    assert image_info(v4["cat/alpha.png"]) == ("png", 40, 40, 1)

    # The diff shows conversions as removed + added paths (renames need equal content).
    d = admin.ok("GET", f"{base}/diff?from=v2&to=v3")
    assert d["counts"]["removed"] == 5 and d["counts"]["added"] == 5


def test_bad_image_operations_and_undecodable_images_are_400s(env):
    server, admin = env
    members = [(f"a/ok{i}.png", png(20, 20, i)) for i in range(3)]
    members += [("a/broken.png", b"\x89PNG\r\n\x1a\n" + bytes(range(200))),  # passes ingest's magic check
                ("a/x.jpg", jpeg(16, 16)), ("a/x.png", png(16, 16))]
    base = ingest(admin, "mixed", members)
    cases = [
        ([{"op": "resize_images", "mode": "stretch", "width": 8, "height": 8}], "resize mode 'stretch'"),
        ([{"op": "resize_images", "mode": "fit", "width": 0, "height": 8}], "width must be between 1 and 65535"),
        ([{"op": "resize_images", "mode": "fit", "width": 50000, "height": 50000}], "over the pixel limit"),
        ([{"op": "convert_images", "format": "gif"}], "image format 'gif'"),
        ([{"op": "resize_images", "mode": "exact", "width": 8, "height": 8}], "a/broken.png"),
        ([{"op": "convert_images", "format": "png"}], "'a/x.jpg' and 'a/x.png' would both become 'a/x.png'"),
    ]
    for ops, message in cases:
        r = admin.post(base + "/versions", json={"from_version": "v1", "status": "refined", "operations": ops})
        assert r.status_code == 400, (ops, r.status_code, r.text)
        assert message in r.json()["message"], (message, r.json()["message"])
    assert [v["name"] for v in admin.ok("GET", base)["versions"]] == ["v1"]

    # on_error "drop": the broken image leaves the version and is reported.
    ops = [{"op": "resize_images", "mode": "exact", "width": 8, "height": 8, "on_error": "drop"}]
    v = admin.ok("POST", base + "/versions", json={"from_version": "v1", "status": "refined", "operations": ops})["version"]
    report = v["derived"]["refine_report"][0]
    assert report["failed"] == 1 and report["items_dropped"] == 1
    assert report["failed_examples"][0].startswith("a/broken.png: ")
    assert v["items"] == 5


def test_quality_finds_corrupt_images_and_size_outliers(env):
    server, admin = env
    members = [(f"cat/c{i:02d}.png", png(64, 48, i)) for i in range(10)]
    members += [(f"dog/d{i}.jpg", jpeg(64, 48, i)) for i in range(3)]
    members += [("cat/huge.png", png(1600, 1200)),                              # 40x the usual area
                ("cat/corrupt.png", png(64, 48)[:60] + b"\x00" * 40),            # IDAT cut and zeroed
                ("dog/cut.jpg", jpeg(64, 48)[:-20])]                             # no end-of-image marker
    base = ingest(admin, "qc", members)
    q = admin.ok("GET", f"{base}/versions/v1/quality")["items"]
    findings = {f["kind"]: f for f in q["findings"]}
    assert set(findings["undecodable_images"]["examples"]) == {"cat/corrupt.png", "dog/cut.jpg"}, q
    reasons = {d["path"]: d["error"] for d in findings["undecodable_images"]["details"]}
    assert "truncated" in reasons["dog/cut.jpg"]
    assert findings["image_size_outliers"]["examples"] == ["cat/huge.png (1600x1200)"], q
    images = q["images"]
    assert images["count"] == 16 and images["decoded"] == 14 and images["undecodable"] == 2
    assert images["formats"] == {"png": 12, "jpeg": 4}
    assert images["width"] == {"min": 64, "median": 64, "max": 1600}
    assert images["height"]["median"] == 48
    assert q["ok"] is False


def test_without_the_image_module_decoding_is_a_503_naming_it():
    """The server starts without OpenCV; decoding loads libmoebius-image.so on first use. When it
    cannot be loaded, ingest still works (magic bytes only), and what needs pixels is a 503 that
    names the module, not a crash and not a per-image failure."""
    server = Server(env={"MOEBIUS_IMAGE_MODULE": "/nonexistent/libmoebius-image.so"}).start()
    try:
        admin = server.client(server.login("admin", server.admin_password()))
        admin.ok("POST", "/api/v1/projects", json={"name": "imgs"})
        base = ingest(admin, "nomodule", [(f"a/{i}.png", png(20, 20, i)) for i in range(3)])
        for ops in ([{"op": "resize_images", "mode": "exact", "width": 8, "height": 8, "on_error": "skip"}],
                    [{"op": "convert_images", "format": "jpeg"}]):
            # The raw session: the client helper refuses any 5xx, and a 503 is what this test expects.
            r = admin.s.post(server.url + base + "/versions", json={"from_version": "v1", "status": "refined", "operations": ops})
            assert r.status_code == 503, (ops, r.status_code, r.text)
            assert "libmoebius-image.so" in r.json()["message"] and "/nonexistent" in r.json()["message"], r.text
        r = admin.s.get(server.url + f"{base}/versions/v1/quality")
        assert r.status_code == 503, r.text
        assert "libmoebius-image.so" in r.json()["message"], r.text
        assert [v["name"] for v in admin.ok("GET", base)["versions"]] == ["v1"]
        assert server.proc.poll() is None
    finally:
        server.cleanup()
