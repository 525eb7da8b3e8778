"""Column statistics of moebius_table_stats against pandas on the same CSV.

The CSV is generated here (fixed seed, ~10k rows, mixed types, missing values spelled in
several ways, quoted fields with commas, quotes, newlines and Korean text). pandas'
read_csv + describe() / corr() / value_counts() are the reference; numbers must agree to
1e-9 relative (1e-12 absolute for values near zero, such as correlations of independent columns).

Run: /usr/bin/python3 -m pytest -q tests/data_stats
The binary comes from MOEBIUS_TABLE_STATS (default build/src/data/table/moebius_table_stats).
"""
import csv
import json
import math
import os
import pathlib
import random
import subprocess
from fractions import Fraction

import pandas as pd
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("MOEBIUS_TABLE_STATS", str(ROOT / "build/src/data/table/moebius_table_stats"))
ROWS = 10_000
REL = 1e-9
ABS = 1e-12
MISSING = ["", "NA", "NaN", "null", "None", "nan", "N/A"]


def write_csv(path):
    rng = random.Random(20261123)
    cities = ["서울", "Busan, KR", 'say "hi"', "line\nbreak", "daegu", "incheon"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        w.writerow(["id", "age", "income", "score", "ratio", "tiny", "big", "flag", "const", "city", "label"])
        for i in range(ROWS):
            score = rng.gauss(50, 12)
            row = [
                i,
                rng.choice(MISSING) if rng.random() < 0.05 else rng.randint(18, 90),
                rng.choice(MISSING) if rng.random() < 0.08 else f"{rng.lognormvariate(10, 1):.6f}",
                "None" if rng.random() < 0.02 else repr(score),
                f"{score * 0.03 + rng.gauss(0, 0.5):.6e}",
                f"{rng.uniform(-1, 1) * 1e-7:.17g}",
                f"{1e12 + rng.randint(0, 10**6) / 7:.17g}",
                "True" if rng.random() < 0.3 else "False",
                5,
                "" if rng.random() < 0.03 else rng.choice(cities),
                "yes" if rng.random() < 0.15 else "no",
            ]
            w.writerow(row)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("stats") / "mixed.csv"
    write_csv(path)
    assert os.path.exists(BIN), f"build moebius_table_stats first (looked for {BIN})"
    out = subprocess.run([BIN, "--label", "label", "--bins", "7", str(path)], check=True, capture_output=True,
                         text=True).stdout
    ours = json.loads(out)
    # pandas 1.5 (Debian 12) does not count "None" as missing; pandas 2 and Moebius do.
    ref = pd.read_csv(path, na_values=["None"])
    return ours, ref


def close(a, b):
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return (a is None) and (b is None or math.isnan(b))
    return math.isclose(a, b, rel_tol=REL, abs_tol=ABS)


def exact_corr(x, y):
    """Pearson's r over the rows where both are present, in exact rational arithmetic."""
    pairs = [(Fraction(a), Fraction(b)) for a, b in zip(x, y) if not (math.isnan(a) or math.isnan(b))]
    n = len(pairs)
    mx = sum(a for a, _ in pairs) / n
    my = sum(b for _, b in pairs) / n
    sxy = sum((a - mx) * (b - my) for a, b in pairs)
    sxx = sum((a - mx) ** 2 for a, _ in pairs)
    syy = sum((b - my) ** 2 for _, b in pairs)
    return float(sxy) / math.sqrt(float(sxx) * float(syy))


def by_name(ours):
    return {c["name"]: c for c in ours["columns"]}


def test_types_and_counts(data):
    ours, ref = data
    cols = by_name(ours)
    assert ours["rows"] == len(ref) == ROWS
    assert [c["name"] for c in ours["columns"]] == list(ref.columns)
    expected = {"id": "int", "age": "int", "income": "float", "score": "float", "ratio": "float", "tiny": "float",
                "big": "float", "flag": "bool", "const": "int", "city": "string", "label": "string"}
    assert {k: v["type"] for k, v in cols.items()} == expected
    for name in ref.columns:
        assert cols[name]["count"] == int(ref[name].count()), name
        assert cols[name]["missing"] == int(ref[name].isna().sum()), name


def test_describe_matches(data):
    ours, ref = data
    cols = by_name(ours)
    desc = ref.describe()  # numeric columns; bool is left out by pandas
    keys = {"mean": "mean", "std": "std", "min": "min", "q25": "25%", "q50": "50%", "q75": "75%", "max": "max"}
    assert set(desc.columns) == {"id", "age", "income", "score", "ratio", "tiny", "big", "const"}
    for name in desc.columns:
        for ours_key, pd_key in keys.items():
            want = float(desc.loc[pd_key, name])
            got = cols[name][ours_key]
            assert close(got, want), f"{name}.{ours_key}: ours {got!r} pandas {want!r}"
    flag = ref["flag"].astype(float)
    assert close(cols["flag"]["mean"], float(flag.mean()))
    assert close(cols["flag"]["std"], float(flag.std()))


def test_histogram_counts_all_values(data):
    ours, ref = data
    for c in ours["columns"]:
        if c["type"] in ("int", "float") and c["histogram"] is not None:
            assert len(c["histogram"]["counts"]) == 7
            assert sum(c["histogram"]["counts"]) == c["count"]
    income = by_name(ours)["income"]["histogram"]
    s = ref["income"].dropna()
    edges = income["edges"]
    # Interior bins are half-open [a, b), the last one closed, as numpy.histogram.
    for k in range(7):
        lo, hi = edges[k], edges[k + 1]
        want = int(((s >= lo) & ((s < hi) if k < 6 else (s <= hi))).sum())
        assert income["counts"][k] == want, k


def test_categories_match_value_counts(data):
    ours, ref = data
    city = by_name(ours)["city"]
    vc = ref["city"].value_counts()
    assert city["unique"] == ref["city"].nunique()
    assert {t["value"]: t["count"] for t in city["top"]} == {k: int(v) for k, v in vc.items()}
    assert city["top"][0]["value"] == vc.index[0]


def test_correlations_match_pandas(data):
    ours, ref = data
    corr = ours["correlations"]
    numeric = ["id", "age", "income", "score", "ratio", "tiny", "big", "flag", "const"]
    assert corr["columns"] == numeric
    frame = ref[numeric].astype(float)
    want = frame.corr()  # Pearson, pairwise-complete
    for i, a in enumerate(numeric):
        for j, b in enumerate(numeric):
            got = corr["matrix"][i][j]
            w = float(want.loc[a, b])
            if "big" in (a, b) and a != b and "const" not in (a, b):
                # `big` is 1e12 plus a small spread: pandas' one-pass (Welford) update loses about
                # 1e-6 relative here, so the reference is the exact value, which pandas is near.
                exact = exact_corr(frame[a].tolist(), frame[b].tolist())
                assert close(got, exact), f"corr({a}, {b}): ours {got!r} exact {exact!r}"
                assert math.isclose(w, exact, rel_tol=1e-4, abs_tol=1e-9), (a, b, w, exact)
                continue
            assert close(got, w), f"corr({a}, {b}): ours {got!r} pandas {w!r}"
    assert corr["matrix"][3][4] > 0.5  # score and ratio are built correlated


def test_label_balance_matches(data):
    ours, ref = data
    label = ours["label"]
    shares = ref["label"].value_counts(normalize=True)
    assert label["column"] == "label"
    assert label["count"] == int(ref["label"].count())
    assert close(label["minority_share"], float(shares.min()))
    assert close(label["majority_share"], float(shares.max()))
    assert [c["value"] for c in label["classes"]] == list(shares.index)


def test_bad_input_is_a_clear_error(tmp_path):
    bad = tmp_path / "ragged.csv"
    bad.write_text("a,b,c,d\n" + "1,2,3,4\n" * 15 + "1,2,3,4,5\n")
    r = subprocess.run([BIN, str(bad)], capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stderr.strip() == f"moebius_table_stats: {bad}: line 17 has 5 fields; the header has 4"


def test_schema_round_trip_and_validation(tmp_path):
    train = tmp_path / "train.csv"
    train.write_text("x,c,y\n1,a,p\n2,b,q\n3,a,p\n4,b,q\n")
    schema = tmp_path / "schema.json"
    out = subprocess.run([BIN, "--infer-schema", "--label", "y", str(train)], check=True, capture_output=True,
                         text=True).stdout
    schema.write_text(out)
    assert json.loads(out)["columns"][0] == {"name": "x", "type": "int", "nullable": False, "min": 1.0, "max": 4.0}
    new = tmp_path / "new.csv"
    new.write_text("x,c,y\n9,a,p\n2,z,p\n,a,p\n2,z,p\n")
    report = json.loads(subprocess.run([BIN, "--validate", str(schema), str(new)], check=True,
                                       capture_output=True, text=True).stdout)
    kinds = sorted((a["kind"], a.get("column", ""), a["count"], tuple(a["example_rows"])) for a in report["anomalies"])
    assert kinds == [
        ("constant_column", "y", 4, ()),
        ("duplicate_rows", "", 1, (4,)),
        ("label_imbalance", "y", 0, ()),
        ("missing_values", "x", 1, (3,)),
        ("out_of_range", "x", 1, (1,)),
        ("unseen_category", "c", 2, (2, 4)),
    ]
    assert report["ok"] is False
