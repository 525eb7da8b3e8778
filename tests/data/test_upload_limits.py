"""Upload limits with a real server (issue 11, items 3, 4 and 7): a 1 MB tar.gz that expands to
1 GiB is refused with a 413 naming the entry while the server's peak RSS stays under 200 MB; part
numbers past the documented maximum are refused instead of wrapping onto part 1; and archive
entries with drive letters or backslashes are refused like '..'."""
import gzip
import io
import os
import sys
import tarfile

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import Server  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from datahelpers import tar_bytes, upload  # noqa: E402

GIB = 1 << 30
BASE = "/api/v1/projects/limits/datasets/blobs"


@pytest.fixture(scope="module")
def env():
    # A server of its own, so its peak RSS is this module's alone.
    server = Server().start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": "limits"})
    admin.ok("POST", "/api/v1/projects/limits/datasets", json={"name": "blobs", "domain": "multimodal"})
    yield server, admin
    server.cleanup()


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc/%d/status" % pid)


class Zeros(io.RawIOBase):
    """`size` zero bytes, read without holding them."""

    def __init__(self, size):
        self.left = size

    def readable(self):
        return True

    def readinto(self, b):
        n = min(len(b), self.left)
        b[:n] = bytes(n)
        self.left -= n
        return n


def zero_bomb(size):
    """A tar.gz of one file of `size` zero bytes (about size/1000 bytes compressed)."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w|") as tar:
            info = tarfile.TarInfo("zeros.bin")
            info.size = size
            tar.addfile(info, io.BufferedReader(Zeros(size), 1 << 20))
    return buf.getvalue()


def test_a_gib_expanding_archive_is_refused_with_bounded_memory(env):
    server, admin = env
    bomb = zero_bomb(GIB)
    assert len(bomb) < 8 << 20
    before = peak_rss_kib(server.proc.pid)
    r = upload(admin, "limits", "blobs", bomb)
    peak = peak_rss_kib(server.proc.pid)
    print(f"server peak RSS {before // 1024} MB before the upload, {peak // 1024} MB after it")
    assert r.status_code == 413, r.text
    message = r.json()["message"]
    assert "'zeros.bin'" in message and "100 times" in message, message
    assert peak < 200 * 1024, f"peak RSS {peak // 1024} MB (was {before // 1024} MB before the upload)"
    assert admin.ok("GET", BASE)["rounds"] == []
    # Nothing of the refused item is left in the blob store's staging area.
    assert os.listdir(os.path.join(server.data_dir, "blobs", "tmp")) == []


def test_part_numbers_are_range_checked(env):
    _, admin = env
    up = admin.ok("POST", BASE + "/uploads", json={})["upload"]
    assert up["max_parts"] == 10000
    admin.ok("PUT", f"{BASE}/uploads/{up['id']}/parts/1", data=b"first part")
    # 2^32 + 1 once wrapped onto part 1 and overwrote it.
    for part in ("4294967297", "10001", "0", "-1", "99999999999999999999999", "1e3"):
        r = admin.request("PUT", f"{BASE}/uploads/{up['id']}/parts/{part}", data=b"overwrite?")
        assert r.status_code == 400, (part, r.text)
        assert "1 to 10000" in r.json()["message"], (part, r.text)
    parts = admin.ok("GET", f"{BASE}/uploads/{up['id']}")["upload"]["parts"]
    assert parts == [{"part": 1, "bytes": len(b"first part")}]
    admin.ok("PUT", f"{BASE}/uploads/{up['id']}/parts/10000", data=b"last")


def test_drive_letter_and_backslash_entries_are_refused(env):
    _, admin = env
    for name in ("C:/Windows/evil.bat", "c:evil.bat", "..\\evil.bat", "ok\\..\\..\\evil.bat"):
        r = upload(admin, "limits", "blobs", tar_bytes([("fine.txt", b"fine"), (name, b"evil")]))
        assert r.status_code == 400, (name, r.text)
        assert name in r.json()["message"], (name, r.text)
    assert admin.ok("GET", BASE)["rounds"] == []
