"""The labeling suite runs against the real binary with the API suite's fixtures (server, admin,
unique) and helpers, loaded from tests/api/conftest.py rather than copied."""
import importlib.util
import os
import sys

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "api"))
sys.path.insert(0, os.path.join(HERE, "..", "data"))
sys.path.insert(0, HERE)

_spec = importlib.util.spec_from_file_location("api_conftest", os.path.join(HERE, "..", "api", "conftest.py"))
_api = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_api)

server = _api.server
admin = _api.admin
unique = _api.unique
make_user = _api.make_user
