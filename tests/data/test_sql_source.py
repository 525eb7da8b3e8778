"""SQL sources (DATA-1) end to end against the real binary and real databases: a SQLite file
under an allowed root and a PostgreSQL cluster started by scripts/start-postgres.sh. A round made
from a query holds exactly the query's rows, records its source, and anything that goes wrong
(bad SQL, writes, caps, a database that cannot be reached) leaves no round. Passwords in a
connection's target never come back from the API nor reach the audit log."""
import csv
import io
import json
import os
import shlex
import sqlite3
import subprocess
import sys
import tarfile

import pytest
import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import BIN, ROOT, Server  # noqa: E402

P = "sqlsrc"


def cli(e, *args, ok=True, stdin=None):
    r = subprocess.run([BIN, *args], env=e, capture_output=True, text=True, input=stdin)
    if ok:
        assert r.returncode == 0, r.stdout + r.stderr
    return r


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return tmp_path_factory.mktemp("sql-root")


@pytest.fixture(scope="module")
def env(root, tmp_path_factory):
    server = Server(extra_args=["--sql-source-root", str(root)]).start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": P})
    admin.ok("POST", f"/api/v1/projects/{P}/datasets", json={"name": "sales", "domain": "tabular"})
    admin.ok("POST", f"/api/v1/projects/{P}/datasets", json={"name": "pics", "domain": "vision"})
    cfg = str(tmp_path_factory.mktemp("cli"))
    e = dict(os.environ, MOEBIUS_CONFIG_DIR=cfg)
    e.pop("MOEBIUS_SERVER", None)
    e.pop("MOEBIUS_TOKEN", None)
    cli(e, "login", "--server", server.url, "--username", "admin", "--password-stdin", stdin=server.admin_password())
    yield server, admin, e
    server.cleanup()


@pytest.fixture(scope="module")
def pg():
    r = subprocess.run([os.path.join(ROOT, "scripts", "start-postgres.sh")], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    info = {}
    for line in r.stdout.splitlines():
        key, _, value = line.partition("=")
        info[key] = shlex.split(value)[0]
    yield info
    subprocess.run([os.path.join(ROOT, "scripts", "stop-postgres.sh"), info["PGTEST_DIR"]], check=False, timeout=60)


def psql(pg, sql, *extra):
    e = dict(os.environ, PGPASSWORD=pg["PGTEST_PASSWORD"])
    r = subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", pg["PGTEST_PORT"], "-U", pg["PGTEST_USER"],
                        "-d", "postgres", *extra, "-c", sql], env=e, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def rounds(admin, ds="sales"):
    return admin.ok("GET", f"/api/v1/projects/{P}/datasets/{ds}")["rounds"]


def round_content(admin, number, ds="sales"):
    """The round's single item, read back through a version's archive."""
    v = admin.ok("POST", f"/api/v1/projects/{P}/datasets/{ds}/versions", json={"rounds": [number]})["version"]["name"]
    tar = admin.get(f"/api/v1/projects/{P}/datasets/{ds}/versions/{v}/archive").content
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        members = t.getmembers()
        assert len(members) == 1
        return members[0].name, t.extractfile(members[0]).read().decode()


def same_cell(cell, value):
    if value is None:
        return cell == ""
    if isinstance(value, bool):
        return cell == ("true" if value else "false")
    if isinstance(value, int):
        return cell == str(value)
    if isinstance(value, float):
        return float(cell) == value
    return cell == value


def make_shop(root):
    path = root / "shop.db"
    if path.exists():
        path.unlink()
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, note TEXT, amount REAL, qty INTEGER, photo BLOB);
        INSERT INTO orders VALUES
          (1, '김철수', 'plain', 12.5, 3, NULL),
          (2, 'O''Brien, Pat', 'says "hi"', 0.1, NULL, NULL),
          (3, NULL, 'two' || char(10) || 'lines', NULL, 7, x'00ff'),
          (4, '', ' leading space', -1e300, 0, NULL),
          (5, 'Zoë ☃', NULL, 3.0, -9007199254740993, NULL);
    """)
    db.commit()
    db.close()
    return path


def sqlite_rows(path, query):
    db = sqlite3.connect(path)
    cur = db.execute(query)
    cols = [d[0] for d in cur.description]
    rows = cur.fetchall()
    db.close()
    return cols, rows


QUERY = "SELECT id, customer, note, amount, qty FROM orders ORDER BY id"


def test_sqlite_round_equals_the_query(env, root):
    server, admin, e = env
    path = make_shop(root)
    out = cli(e, "data", "connection", "create", f"{P}/shop", "--kind", "sqlite", "--target", str(path)).stdout
    assert "created connection sqlsrc/shop (sqlite)" in out
    assert "shop" in cli(e, "data", "connection", "list", P).stdout
    before = len(rounds(admin))
    out = cli(e, "data", "ingest", f"{P}/sales", "--sql", "shop", "--query", QUERY, "--note", "orders of May").stdout
    assert "5 rows from connection shop into query.csv" in out, out
    r = rounds(admin)[-1]
    assert len(rounds(admin)) == before + 1
    assert r["kind"] == "sql" and r["note"] == "orders of May" and r["created_by"] == "admin" and r["items"] == 1
    src = r["sources"]
    assert src["kind"] == "sql" and src["connection"] == "shop" and src["connection_kind"] == "sqlite"
    assert src["query"] == QUERY and src["rows"] == 5 and src["columns"] == ["id", "customer", "note", "amount", "qty"]

    name, text = round_content(admin, r["number"])
    assert name == "query.csv"
    got = list(csv.reader(io.StringIO(text, newline="")))
    cols, want = sqlite_rows(path, QUERY)
    assert got[0] == cols
    assert len(got) - 1 == len(want)
    for g, w in zip(got[1:], want):
        assert all(same_cell(c, v) for c, v in zip(g, w)), (g, w)
    # NULL and the empty string stay apart in the CSV text.
    assert '\n4,"",' in text and "\n3,,\"two\nlines\",," in text

    # JSONL: NULL is an absent key, numbers stay numbers.
    j = admin.ok("POST", f"/api/v1/projects/{P}/datasets/sales/rounds/sql",
                 json={"connection": "shop", "query": QUERY, "format": "jsonl", "name": "orders.jsonl"})["round"]
    name, text = round_content(admin, j["number"])
    assert name == "orders.jsonl"
    lines = [json.loads(x) for x in text.splitlines()]
    assert lines == [{c: v for c, v in zip(cols, row) if v is not None} for row in want]

    # A BLOB column is refused with a hint; hex() in the query works.
    bad = admin.post(f"/api/v1/projects/{P}/datasets/sales/rounds/sql", json={"connection": "shop", "query": "SELECT id, photo FROM orders"})
    assert bad.status_code == 400 and "column 'photo'" in bad.json()["message"] and "hex(x)" in bad.json()["message"]
    ok = admin.ok("POST", f"/api/v1/projects/{P}/datasets/sales/rounds/sql",
                  json={"connection": "shop", "query": "SELECT id, hex(photo) AS photo FROM orders WHERE photo IS NOT NULL"})
    assert round_content(admin, ok["round"]["number"])[1] == "id,photo\n3,00FF\n"


def test_sqlite_writes_and_bad_sql_leave_nothing(env, root):
    server, admin, e = env
    path = make_shop(root)
    admin.request("DELETE", f"/api/v1/projects/{P}/connections/shop2")
    admin.ok("POST", f"/api/v1/projects/{P}/connections", json={"name": "shop2", "kind": "sqlite", "target": str(path)})
    before = rounds(admin)
    for q, needle in [("DELETE FROM orders", "only reading statements"),
                      ("INSERT INTO orders (id) VALUES (99)", "only reading statements"),
                      ("UPDATE orders SET qty = 0", "only reading statements"),
                      ("SELECT 1; DELETE FROM orders", "one statement"),
                      (f"ATTACH DATABASE '{path}' AS other", "only reading statements"),
                      ("PRAGMA query_only = 0", "only reading statements"),
                      ("SELEC * FROM orders", "syntax error"),
                      ("SELECT * FROM no_such_table", "no such table"),
                      ("SELECT id FROM orders WHERE id > 100", "no rows")]:
        r = admin.post(f"/api/v1/projects/{P}/datasets/sales/rounds/sql", json={"connection": "shop2", "query": q})
        assert r.status_code == 400, (q, r.text)
        assert needle in r.json()["message"], (q, r.json())
        assert "connection 'shop2'" in r.json()["message"]
    # Caps: more rows than max_rows is refused rather than truncated.
    r = admin.post(f"/api/v1/projects/{P}/datasets/sales/rounds/sql", json={"connection": "shop2", "query": QUERY, "max_rows": 2})
    assert r.status_code == 400 and "more than 2 rows" in r.json()["message"]
    r = cli(e, "data", "ingest", f"{P}/sales", "--sql", "shop2", "--query", "DELETE FROM orders", ok=False)
    assert r.returncode == 1 and "only reading statements" in r.stderr
    assert rounds(admin) == before
    assert sqlite_rows(path, "SELECT COUNT(*) FROM orders")[1] == [(5,)]


def test_sqlite_paths_must_lie_under_the_root(env, root, tmp_path):
    server, admin, e = env
    outside = tmp_path / "secret.db"
    sqlite3.connect(outside).executescript("CREATE TABLE s (x); INSERT INTO s VALUES ('secret');")
    (root / "link.db").unlink(missing_ok=True)
    os.symlink(outside, root / "link.db")
    for target in [str(outside), "/etc/passwd", str(root / ".." / outside.name), str(root / "link.db"), "relative.db",
                   str(root) + "-sibling/x.db", str(root)]:
        r = admin.post(f"/api/v1/projects/{P}/connections", json={"name": "evil", "kind": "sqlite", "target": target})
        assert r.status_code == 400, (target, r.text)
    assert "evil" not in [c["name"] for c in admin.ok("GET", f"/api/v1/projects/{P}/connections")["connections"]]

    # A server without --sql-source-root refuses SQLite sources, and says how to allow them.
    bare = Server().start()
    try:
        a = bare.client(bare.login("admin", bare.admin_password()))
        a.ok("POST", "/api/v1/projects", json={"name": P})
        r = a.post(f"/api/v1/projects/{P}/connections", json={"name": "shop", "kind": "sqlite", "target": str(root / "shop.db")})
        assert r.status_code == 400 and "--sql-source-root" in r.json()["message"] and "disabled" in r.json()["message"]
    finally:
        bare.cleanup()


def test_only_tabular_datasets_take_sql_rounds(env, root):
    server, admin, e = env
    path = make_shop(root)
    admin.request("DELETE", f"/api/v1/projects/{P}/connections/shop3")
    admin.ok("POST", f"/api/v1/projects/{P}/connections", json={"name": "shop3", "kind": "sqlite", "target": str(path)})
    r = admin.post(f"/api/v1/projects/{P}/datasets/pics/rounds/sql", json={"connection": "shop3", "query": QUERY})
    assert r.status_code == 400 and "tabular" in r.json()["message"]
    assert rounds(admin, "pics") == []
    r = admin.post(f"/api/v1/projects/{P}/datasets/sales/rounds/sql", json={"connection": "nope", "query": QUERY})
    assert r.status_code == 404
    r = admin.post(f"/api/v1/projects/{P}/datasets/sales/rounds/sql", json={"connection": "shop3", "query": QUERY, "format": "jsonl", "name": "x.csv"})
    assert r.status_code == 400


def test_roles(env, root):
    server, admin, e = env
    from conftest import make_user
    eng = make_user(server, admin, "sql-eng")
    viewer = make_user(server, admin, "sql-viewer")
    admin.ok("PUT", f"/api/v1/projects/{P}/members/sql-eng", json={"role": "data-engineer"})
    admin.ok("PUT", f"/api/v1/projects/{P}/members/sql-viewer", json={"role": "viewer"})
    path = make_shop(root)
    body = {"name": "byeng", "kind": "sqlite", "target": str(path)}
    assert eng.post(f"/api/v1/projects/{P}/connections", json=body).status_code == 403
    admin.request("DELETE", f"/api/v1/projects/{P}/connections/byadmin")
    admin.ok("POST", f"/api/v1/projects/{P}/connections", json=dict(body, name="byadmin"))
    assert viewer.ok("GET", f"/api/v1/projects/{P}/connections")["connections"]
    assert viewer.post(f"/api/v1/projects/{P}/datasets/sales/rounds/sql", json={"connection": "byadmin", "query": QUERY}).status_code == 403
    assert eng.ok("POST", f"/api/v1/projects/{P}/datasets/sales/rounds/sql", json={"connection": "byadmin", "query": QUERY})["round"]["created_by"] == "sql-eng"
    assert eng.request("DELETE", f"/api/v1/projects/{P}/connections/byadmin").status_code == 403


# ---------------------------------------------------------------------------- PostgreSQL

PG_QUERY = "SELECT id, name, price, ratio, active, born, note FROM items ORDER BY id"


def test_postgres_round_equals_psql(env, pg):
    server, admin, e = env
    psql(pg, """
        DROP TABLE IF EXISTS items;
        CREATE TABLE items (id bigint, name text, price numeric(10,3), ratio double precision, active boolean, born date, note text);
        INSERT INTO items VALUES
          (1, '김철수', 12.500, 0.1, true, '2024-01-31', 'plain'),
          (2, 'O''Brien, Pat', NULL, 1e300, false, NULL, 'says "hi"'),
          (3, NULL, 0.001, -2.5, NULL, '1999-12-31', E'two\\nlines'),
          (4, '', 1234567.000, 'NaN', true, '2000-02-29', NULL),
          (5, 'Zoë ☃', -1, 3, false, '2024-06-01', ' padded ');
    """)
    password = pg["PGTEST_PASSWORD"]
    created = admin.ok("POST", f"/api/v1/projects/{P}/connections",
                       json={"name": "warehouse", "kind": "postgresql", "target": pg["PGTEST_CONNINFO"]})
    assert password not in json.dumps(created) and "password=****" in created["connection"]["target"]
    assert created["connection"]["has_password"] is True
    # The URI form is masked too, and the CLI can read the target from stdin.
    cli(e, "data", "connection", "create", f"{P}/warehouse-uri", "--kind", "postgresql", "--target-stdin", stdin=pg["PGTEST_URI"] + "\n")
    for path in [f"/api/v1/projects/{P}/connections", f"/api/v1/projects/{P}/connections/warehouse",
                 f"/api/v1/projects/{P}/connections/warehouse-uri"]:
        body = admin.get(path).text
        assert password not in body, body
    listed = cli(e, "--json", "data", "connection", "list", P).stdout
    assert password not in listed and "****" in listed

    out = cli(e, "data", "ingest", f"{P}/sales", "--sql", "warehouse-uri", "--query", PG_QUERY, "--note", "from pg").stdout
    assert "5 rows from connection warehouse-uri" in out
    r = rounds(admin)[-1]
    assert r["kind"] == "sql" and r["sources"]["connection_kind"] == "postgresql" and r["sources"]["query"] == PG_QUERY
    assert r["sources"]["rows"] == 5
    assert password not in json.dumps(r)
    _, text = round_content(admin, r["number"])
    got = list(csv.reader(io.StringIO(text, newline="")))
    want = list(csv.reader(io.StringIO(psql(pg, PG_QUERY, "--csv"), newline="")))
    assert got[0] == want[0]
    assert len(got) == len(want) == 6
    for g, w in zip(got[1:], want[1:]):
        # psql prints booleans as t/f; the item has true/false. Everything else is the same text.
        w = [{"t": "true", "f": "false"}.get(c, c) if i == 4 else c for i, c in enumerate(w)]
        assert g == w, (g, w)

    # JSONL keeps types: integers, numerics and booleans as JSON values, NULL absent.
    j = admin.ok("POST", f"/api/v1/projects/{P}/datasets/sales/rounds/sql",
                 json={"connection": "warehouse", "query": "SELECT id, price, active, name FROM items WHERE id IN (1, 3) ORDER BY id",
                       "format": "jsonl"})["round"]
    lines = [json.loads(x) for x in round_content(admin, j["number"])[1].splitlines()]
    assert lines == [{"id": 1, "price": 12.5, "active": True, "name": "김철수"}, {"id": 3, "price": 0.001}]

    # Neither the audit log nor the server's log holds the password.
    audit = admin.ok("GET", "/api/v1/audit", params={"limit": 1000})
    assert any("/connections" in x["target"] for x in audit["entries"])
    assert password not in json.dumps(audit)
    assert not any(password in line for line in server.log)


def test_postgres_is_read_only_and_errors_are_clear(env, pg):
    server, admin, e = env
    psql(pg, "DROP TABLE IF EXISTS ro; CREATE TABLE ro (x int); INSERT INTO ro VALUES (1), (2), (3); CREATE SEQUENCE IF NOT EXISTS s;")
    admin.request("DELETE", f"/api/v1/projects/{P}/connections/pgro")
    admin.ok("POST", f"/api/v1/projects/{P}/connections", json={"name": "pgro", "kind": "postgresql", "target": pg["PGTEST_CONNINFO"]})
    before = rounds(admin)
    url = f"/api/v1/projects/{P}/datasets/sales/rounds/sql"
    for q, needle in [("DELETE FROM ro", "read-only"),
                      ("INSERT INTO ro VALUES (4)", "read-only"),
                      ("WITH d AS (DELETE FROM ro RETURNING x) SELECT * FROM d", "read-only"),
                      ("SELECT 1; DELETE FROM ro", "multiple commands"),
                      ("COMMIT", "only statements that return rows"),
                      ("SELECT nextval('s')", "read-only"),
                      ("SELEC 1", "syntax error"),
                      ("SELECT * FROM no_such_table", "does not exist"),
                      ("SELECT x FROM ro WHERE x > 10", "no rows"),
                      ("SELECT decode('00ff', 'hex') AS b", "column 'b': binary values")]:
        r = admin.post(url, json={"connection": "pgro", "query": q})
        assert r.status_code == 400, (q, r.text)
        assert needle in r.json()["message"], (q, r.json())
    r = admin.post(url, json={"connection": "pgro", "query": "SELECT g FROM generate_series(1, 100000) g", "max_rows": 10})
    assert r.status_code == 400 and "more than 10 rows" in r.json()["message"]
    assert psql(pg, "SELECT count(*) FROM ro", "-At").strip() == "3"

    # A database that refuses the login or cannot be reached is the source's failure: 502.
    wrong = pg["PGTEST_CONNINFO"].replace(pg["PGTEST_PASSWORD"], "wrong-password")
    admin.request("DELETE", f"/api/v1/projects/{P}/connections/pgbad")
    admin.ok("POST", f"/api/v1/projects/{P}/connections", json={"name": "pgbad", "kind": "postgresql", "target": wrong})
    r = requests.post(server.url + url, json={"connection": "pgbad", "query": "SELECT 1 AS one"}, headers=admin.s.headers)
    assert r.status_code == 502 and r.json()["error_code"] == "BAD_GATEWAY", r.text
    assert "password authentication failed" in r.json()["message"] and "wrong-password" not in r.text
    admin.request("DELETE", f"/api/v1/projects/{P}/connections/pgdown")
    admin.ok("POST", f"/api/v1/projects/{P}/connections",
             json={"name": "pgdown", "kind": "postgresql", "target": "host=127.0.0.1 port=1 dbname=x user=u password=p"})
    r = requests.post(server.url + url, json={"connection": "pgdown", "query": "SELECT 1 AS one"}, headers=admin.s.headers)
    assert r.status_code == 502 and "cannot connect" in r.json()["message"], r.text
    # Unix sockets and server-side files are refused when the connection is made.
    for target in ["dbname=postgres", f"host={pg['PGTEST_DIR']} dbname=postgres", "host=127.0.0.1 passfile=/root/.pgpass",
                   "host=127.0.0.1 sslkey=/etc/ssl/private/x.key", "not a conninfo"]:
        r = admin.post(f"/api/v1/projects/{P}/connections", json={"name": "pgevil", "kind": "postgresql", "target": target})
        assert r.status_code == 400, (target, r.text)
    assert rounds(admin) == before
