"""What a server leaves where others can read it (issue 11, items 6 and 7): a request cannot forge
a line of the server's log, and the data directory with its database, WAL, SHM and keys is
private to the server's user — created so, and fixed with a warning when found open."""
import os
import socket
import stat
import time

from moebius_server import Server

FORGED = "[2026-01-01 00:00:00.000] [moebius] [info] access forged 127.0.0.1:1 DELETE /api/v1/projects/p1 200"


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def raw_get(server, target):
    host, port = server.url.split("//")[1].split(":")
    with socket.create_connection((host, int(port))) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        return s.recv(4096).decode(errors="replace")


def test_request_text_cannot_forge_a_log_line(server):
    encoded = "/x%0d%0a" + FORGED.replace(" ", "%20") + "%1b%5b2J%c2%9b"
    assert raw_get(server, encoded).startswith("HTTP/1.1 ")
    for _ in range(50):
        if any("access" in l and "/x" in l and "forged" in l for l in server.log):
            break
        time.sleep(0.05)
    lines = [l for l in server.log if "forged" in l]
    assert lines, "the request was not logged"
    assert not any(l.startswith("[2026-01-01") for l in server.log), lines
    logged = lines[-1]
    assert "/x\\r\\n[2026-01-01" in logged and "\\x1b[2J" in logged and "\\xc2\\x9b" in logged, logged
    assert "\x1b" not in "".join(server.log) and "\r" not in "".join(server.log)


def test_data_directory_is_private(server):
    d = server.data_dir
    assert mode(d) == 0o700
    for name in ("meta.db", "meta.db-wal", "meta.db-shm", "initial-admin-password", "secrets/pii.key"):
        assert mode(os.path.join(d, name)) == 0o600, (name, oct(mode(os.path.join(d, name))))
    assert mode(os.path.join(d, "secrets")) == 0o700


def test_open_modes_are_fixed_at_start_with_a_warning(tmp_path):
    s = Server(data_dir=str(tmp_path / "data")).start()
    try:
        s.stop()
        d = s.data_dir
        os.chmod(d, 0o755)
        for name in ("meta.db", "meta.db-wal", "meta.db-shm", "secrets/pii.key"):
            if os.path.exists(os.path.join(d, name)):
                os.chmod(os.path.join(d, name), 0o644)
        s.log.clear()
        s.start()
        assert mode(d) == 0o700
        assert mode(os.path.join(d, "meta.db")) == 0o600
        assert mode(os.path.join(d, "secrets", "pii.key")) == 0o600
        deadline = time.time() + 5
        while not any("meta.db was 0644, now 0600" in l for l in s.log) and time.time() < deadline:
            time.sleep(0.05)
        assert any("[warning]" in l and "meta.db was 0644, now 0600" in l for l in s.log), s.log[-5:]
        assert s.client(s.login("admin", s.admin_password())).ok("GET", "/api/v1/auth/me")
    finally:
        s.cleanup()
