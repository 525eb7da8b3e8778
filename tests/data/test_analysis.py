"""Analysis of a tabular version through the API, checked against values computed independently
with pandas on the same CSV: column statistics (FE-1), quality against an inferred and a saved
schema (DATA-8), fitted transforms stored by content hash (FE-2), and row splits (FE-5) whose
per-class shares equal the largest-remainder cut of each class computed here."""
import io
import math
import os
import random
import sqlite3
import sys

import pandas as pd
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import Server  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from datahelpers import upload  # noqa: E402

P = "/api/v1/projects/shop/datasets"


def make_csv(rows=400, seed=11):
    rng = random.Random(seed)
    lines = ["id,age,income,city,plan,constant,churned"]
    for i in range(rows):
        age = "" if i % 37 == 0 else str(rng.randint(18, 80))
        income = f"{rng.gauss(50000, 12000):.2f}"
        city = rng.choice(["Seoul", "Busan", "Incheon", "Daegu"])
        plan = "pro" if rng.random() < 0.3 else "free"
        churned = "yes" if rng.random() < 0.2 else "no"
        lines.append(f"{i},{age},{income},{city},{plan},same,{churned}")
    lines.append(lines[5])  # one exact duplicate row
    return ("\n".join(lines) + "\n").encode()


def upload_file(admin, ds, payload, filename):
    r = upload(admin, "shop", ds, payload, "file", filename)
    assert r.status_code == 200, r.text
    return r.json()["round"]


@pytest.fixture(scope="module")
def env():
    server = Server().start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": "shop"})
    admin.ok("POST", P, json={"name": "customers", "domain": "tabular", "sensitive": True})
    payload = make_csv()
    upload_file(admin, "customers", payload, "customers.csv")
    admin.ok("POST", f"{P}/customers/versions", json={"rounds": [1]})
    yield server, admin, pd.read_csv(io.BytesIO(payload))
    server.cleanup()


def close(a, b, rel=1e-9):
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


def test_stats_equal_pandas(env):
    server, admin, df = env
    out = admin.ok("GET", f"{P}/customers/versions/v1/stats", params={"label": "churned", "bins": 8})
    assert out["item"] == "customers.csv"
    stats = out["stats"]
    assert stats["rows"] == len(df)
    cols = {c["name"]: c for c in stats["columns"]}
    for name in ("age", "income"):
        d = df[name].describe()
        c = cols[name]
        assert c["count"] == int(d["count"]) and c["missing"] == int(df[name].isna().sum())
        for ours, theirs in (("mean", "mean"), ("std", "std"), ("min", "min"), ("q25", "25%"), ("q50", "50%"), ("q75", "75%"), ("max", "max")):
            assert close(c[ours], float(d[theirs])), (name, ours, c[ours], float(d[theirs]))
        assert sum(c["histogram"]["counts"]) == int(d["count"]) and len(c["histogram"]["counts"]) == 8
    top = {t["value"] if isinstance(t, dict) else t[0]: (t["count"] if isinstance(t, dict) else t[1]) for t in cols["city"]["top"]}
    assert top == df["city"].value_counts().to_dict()
    classes = stats["label"]["classes"]
    got = {k["value"]: k["count"] for k in classes} if isinstance(classes, list) else classes
    assert got == df["churned"].value_counts().to_dict()
    corr = stats["correlations"]
    i, j = corr["columns"].index("age"), corr["columns"].index("income")
    assert close(corr["matrix"][i][j], float(df["age"].corr(df["income"])))
    ranked = [f["feature"] for f in out["stats"]["importance"]]
    assert set(ranked) >= {"age", "income", "city_index", "plan_index"} and "churned" not in ranked


def test_importance_sets_identifiers_and_leakage_aside(env):
    """Issue 17, item 9: an id column (every value distinct) and a column that is the label in
    disguise are not ranked as the most important features: they come last, flagged, each
    feature naming the measure it was scored with; a diff of two versions of the table names the
    rows added, removed and changed and the columns added."""
    server, admin, _ = env
    rng = random.Random(5)
    lines = ["customer_id,tenure,calls,refund,left"]
    rows = []
    for i in range(300):
        tenure, calls = rng.randint(1, 72), rng.randint(0, 6)
        left = "yes" if (calls >= 4 or tenure < 6) and rng.random() < 0.8 else "no"
        rows.append([f"C{i:04d}", tenure, calls, 1 if left == "yes" else 0, left])
    csv = "\n".join(lines + [",".join(map(str, r)) for r in rows]) + "\n"
    admin.ok("POST", P, json={"name": "leaky", "domain": "tabular"})
    upload_file(admin, "leaky", csv.encode(), "leaky.csv")
    admin.ok("POST", f"{P}/leaky/versions", json={"rounds": [1]})
    imp = admin.ok("GET", f"{P}/leaky/versions/v1/stats", params={"label": "left"})["stats"]["importance"]
    flags = {f["feature"]: f.get("flag") for f in imp}
    assert flags["customer_id_index"] == "identifier" and flags["refund"] == "leakage", imp
    assert {f["feature"] for f in imp[:2]} == {"tenure", "calls"}, imp
    assert all(f["method"] in ("mutual_information", "abs_pearson") for f in imp)

    # A second version: one row changed, one removed, two added, a column added.
    changed = [r[:] for r in rows]
    changed[3][1] = 99
    del changed[7]
    changed += [["C9001", 5, 5, 1, "yes"], ["C9002", 40, 0, 0, "no"]]
    csv2 = "customer_id,tenure,calls,refund,left,region\n" + "".join(",".join(map(str, r)) + ",north\n" for r in changed)
    upload_file(admin, "leaky", csv2.encode(), "leaky.csv")
    admin.ok("POST", f"{P}/leaky/versions", json={"rounds": [2]})  # v2: the new file under the same name
    d = admin.ok("GET", f"{P}/leaky/diff", params={"from": "v1", "to": "v2"})
    assert d["counts"]["modified"] == 1, d["counts"]
    [t] = d["tables"]
    assert t["path"] == "leaky.csv" and t["key"] == "customer_id" and t["columns_added"] == ["region"]
    # region is a new column, not a change of the rows that kept their values.
    assert t["counts"] == {"added": 2, "removed": 1, "changed": 1, "unchanged": 300 - 2}, t["counts"]
    assert t["sample"]["changed"][0] == {"key": "C0003", "changes": {"tenure": [str(rows[3][1]), "99"]}}
    assert t["sample"]["removed"][0]["customer_id"] == "C0007"


def test_quality_against_inferred_then_saved_schema(env):
    server, admin, df = env
    q = admin.ok("GET", f"{P}/customers/versions/v1/quality", params={"label": "churned"})
    assert q["table"]["against"] == "inferred" and q["table"]["schema_source"] == "inferred" and q["table"]["schema_version"] is None
    kinds = {a["kind"]: a for a in q["table"]["report"]["anomalies"]}
    assert kinds["duplicate_rows"]["count"] == 1
    assert kinds["constant_column"]["column"] == "constant"

    # Save the schema from v1; a new round with an unseen city, a negative age and text in a
    # numeric column is reported against it, with example rows.
    saved = admin.ok("POST", f"{P}/customers/schema", json={"version": "v1", "label": "churned"})
    assert saved["version"] == "v1"
    city = next(c for c in saved["schema"]["columns"] if c["name"] == "city")
    assert sorted(city["categories"]) == sorted(df["city"].unique())
    bad = b"id,age,income,city,plan,constant,churned\n1,30,100.5,Seoul,pro,same,no\n2,-5,90,Jeju,free,same,no\n3,forty,80,Busan,free,same,yes\n"
    upload_file(admin, "customers", bad, "more.csv")
    v2 = admin.ok("POST", f"{P}/customers/versions", json={"rounds": [2]})["version"]["name"]
    q2 = admin.ok("GET", f"{P}/customers/versions/{v2}/quality")
    assert q2["table"]["against"] == "saved schema from v1"
    assert q2["table"]["schema_source"] == "saved" and q2["table"]["schema_version"] == "v1"
    found = {(a["kind"], a["column"]): a for a in q2["table"]["report"]["anomalies"]}
    assert any(k[0] == "unseen_category" and k[1] == "city" for k in found), found.keys()
    assert any(k[1] == "age" for k in found), found.keys()
    assert admin.ok("GET", f"{P}/customers/schema")["version"] == "v1"


def test_sensitive_reads_are_audited(env):
    server, admin, df = env
    admin.ok("GET", f"{P}/customers/versions/v1/stats")
    entries = admin.ok("GET", "/api/v1/audit", params={"limit": 20})["entries"]
    reads = [e for e in entries if e["action"].startswith("READ") and e["target"].endswith("/versions/v1/stats")]
    assert reads and reads[0]["actor"] == "admin" and reads[0]["detail"]["dataset"] == "customers"


def test_a_sensitive_read_that_cannot_be_audited_returns_nothing(env):
    """A read of a sensitive dataset that the audit log cannot record fails (503) without data:
    the audit table refuses READ entries through a trigger, as a full disk or a broken database
    would refuse them."""
    server, admin, df = env
    db = sqlite3.connect(os.path.join(server.data_dir, "meta.db"), timeout=30)
    db.execute("CREATE TRIGGER refuse_reads BEFORE INSERT ON audit_log WHEN NEW.action LIKE 'READ%' "
               "BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END")
    db.commit()
    try:
        for path in ("/versions/v1/stats", "/versions/v1/items", "/versions/v1/archive", "", "/rounds/1"):
            r = admin.s.get(server.url + f"{P}/customers{path}")  # the raw session: a 503 is what this test expects
            assert r.status_code == 503, (path, r.status_code, r.text[:200])
            body = r.json()
            assert body["error_code"] == "TEMPORARILY_UNAVAILABLE" and "audit log" in body["message"], body
            assert "customers.csv" not in r.text and "stats" not in body
    finally:
        db.execute("DROP TRIGGER refuse_reads")
        db.commit()
        db.close()
    assert admin.get(f"{P}/customers/versions/v1/items").status_code == 200


def test_transform_fit_is_content_hashed_and_matches_pandas(env):
    server, admin, df = env
    config = {"columns": [
        {"column": "income", "steps": [{"kind": "z_score"}]},
        {"column": "age", "steps": [{"kind": "impute", "strategy": "median"}, {"kind": "min_max"}]},
        {"column": "city", "steps": [{"kind": "one_hot"}]},
    ]}
    t1 = admin.ok("POST", f"{P}/customers/versions/v1/transforms", json={"config": config})["transform"]
    t2 = admin.ok("POST", f"{P}/customers/versions/v1/transforms", json={"config": config})["transform"]
    assert t1["hash"] == t2["hash"] and len(t1["hash"]) == 64
    spec = admin.ok("GET", f"{P}/customers/transforms/{t1['hash']}")["spec"]
    z = spec["columns"][0]["steps"][0]
    assert close(z["mean"], float(df["income"].mean())) and close(z["std"], float(df["income"].std(ddof=0)))
    fill = spec["columns"][1]["steps"][0]["fill"]
    assert close(fill, float(df["age"].median()))
    assert sorted(spec["columns"][2]["steps"][0]["vocabulary"]) == sorted(df["city"].unique())
    listed = admin.ok("GET", f"{P}/customers/transforms")["transforms"]
    assert [t["hash"] for t in listed].count(t1["hash"]) == 1
    r = admin.post(f"{P}/customers/versions/v1/transforms", json={"config": {"columns": [{"column": "nope", "steps": []}]}})
    assert r.status_code == 400 and "nope" in r.json()["message"]
    assert admin.get(f"{P}/customers/transforms/{'0' * 64}").status_code == 404


def largest_remainder(n, ratios):
    exact = [r * n for r in ratios]
    sizes = [math.floor(x + 1e-9) for x in exact]
    order = sorted(range(len(ratios)), key=lambda k: -(exact[k] - math.floor(exact[k] + 1e-9)))
    i = 0
    while sum(sizes) < n:
        sizes[order[i % len(order)]] += 1
        i += 1
    return sizes


def test_stratified_row_split_matches_independent_shares(env, tmp_path):
    server, admin, df = env
    spec = {"method": "stratified", "ratios": {"train": 0.7, "val": 0.15, "test": 0.15}, "seed": 9, "label": "churned"}
    v = admin.ok("POST", f"{P}/customers/versions", json={"status": "split", "from_version": "v1", "split": spec})["version"]
    report = v["derived"]["split_report"]
    for cls, n in df["churned"].value_counts().items():
        want = largest_remainder(int(n), [0.7, 0.15, 0.15])
        assert [report["classes"][s].get(cls, 0) for s in ("train", "val", "test")] == want, cls
    # The rows carry their split; the same seed gives the same assignment.
    again = admin.ok("POST", f"{P}/customers/versions", json={"status": "split", "from_version": "v1", "split": spec})["version"]
    items = lambda name: admin.ok("GET", f"{P}/customers/versions/{name}/items")["items"]
    assert [i["sha256"] for i in items(v["name"])] == [i["sha256"] for i in items(again["name"])]
    archive = admin.request("GET", f"{P}/customers/versions/{v['name']}/archive")
    import tarfile
    with tarfile.open(fileobj=io.BytesIO(archive.content)) as t:
        out = pd.read_csv(t.extractfile("customers.csv"))
    assert list(out.columns)[-1] == "split" and len(out) == len(df)
    assert out.groupby(["split", "churned"]).size().to_dict() == {
        (s, c): n for s, cs in report["classes"].items() for c, n in cs.items()}
    assert (out.drop(columns=["split"])["id"] == df["id"]).all()
    # Bad split specs are 400s naming the problem.
    for bad, words in (({"method": "stratified", "label": "nope"}, "no column 'nope'"),
                       ({"method": "random", "ratios": {"train": 0.9, "test": 0.2}}, "sum to 1"),
                       ({"method": "group"}, "group_by")):
        r = admin.post(f"{P}/customers/versions", json={"status": "split", "from_version": "v1", "split": bad})
        assert r.status_code == 400 and words in r.json()["message"], r.text


def test_catalog_search_by_column_tag_and_name(env):
    server, admin, df = env
    admin.ok("POST", P, json={"name": "orders", "domain": "tabular", "tags": ["sales"]})
    upload_file(admin, "orders", b"order_id,customer_age,total\n1,30,9.5\n", "orders.csv")
    names = lambda q: [d["name"] for d in admin.ok("GET", "/api/v1/datasets", params={"q": q})["datasets"]]
    assert names("column:income") == ["customers"]
    assert names("column:age") == ["customers", "orders"]
    assert names("age tag:sales") == ["orders"]
    assert names("name:cust column:city") == ["customers"]
    assert names("column:nosuch") == []
    admin.ok("POST", P, json={"name": "scenes", "domain": "vision", "tags": ["street scenes"]})
    assert names('tag:"street scenes"') == ["scenes"] and names('tag:"scenes street"') == []
    found = admin.ok("GET", "/api/v1/projects/shop/datasets", params={"q": "column:AGE"})["datasets"]
    assert {d["name"]: d["columns"] for d in found} == {"customers": ["age"], "orders": ["customer_age"]}
    assert admin.get("/api/v1/datasets", params={"q": "x" * 1001}).status_code == 400
