import os
import sys
import uuid

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from moebius_server import Server  # noqa: E402


@pytest.fixture(scope="session")
def server():
    s = Server().start()
    yield s
    s.cleanup()


@pytest.fixture(scope="session")
def admin(server):
    return server.client(server.login("admin", server.admin_password()))


@pytest.fixture
def unique():
    return lambda prefix="x": f"{prefix}-{uuid.uuid4().hex[:8]}"


def make_user(server, admin, username, role="viewer", password="password-123"):
    admin.ok("POST", "/api/v1/users", json={"username": username, "password": password, "global_role": role})
    return server.client(server.login(username, password))
