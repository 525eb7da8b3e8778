"""Agreement over the API equals the reference implementations on generated labels: scikit-learn's
cohen_kappa_score for every pair of labelers, statsmodels' fleiss_kappa (Debian's
python3-statsmodels) for the whole table and one-vs-rest per class, and Krippendorff's alpha
(nominal) computed here from its definition by enumerating pairable values (no counts table), as
an independent path to the server's coincidence-matrix formula."""
import itertools
import random

import pytest
from sklearn.metrics import cohen_kappa_score

from labelhelpers import Setup

statsmodels = pytest.importorskip("statsmodels.stats.inter_rater")

CLASSES = ["긍정", "부정", "중립"]


def krippendorff_nominal(units):
    """units: lists of values (missing left out). Alpha = 1 - D_o / D_e by pair enumeration."""
    pairable = [u for u in units if len(u) >= 2]
    n = sum(len(u) for u in pairable)
    observed = sum(sum(1 for i, j in itertools.permutations(range(len(u)), 2) if u[i] != u[j]) / (len(u) - 1) for u in pairable)
    values = [v for u in pairable for v in u]
    expected = sum(1 for i, j in itertools.permutations(range(len(values)), 2) if values[i] != values[j]) / (n - 1)
    return 1 - observed / expected


def test_classes_against_sklearn_and_statsmodels(server, admin):
    s = Setup(server, admin, "lbl-kappa")
    rng = random.Random(15)
    n = 40
    texts = [(f"t{i:02d}.txt", f"문장 {i} sentence".encode()) for i in range(n)]
    version = s.dataset("reviews", "language", texts)
    s.labeling("sent", "reviews", version, "sentiment", {"task_type": "text_classification", "classes": [{"name": c} for c in CLASSES]},
               overlap=3)
    labelers = [s.lab1, s.lab2, s.lab3]
    names = [s.names["lab1"], s.names["lab2"], s.names["lab3"]]
    s.rev.ok("POST", s.lp("sent") + "/assign", json={"mode": "round_robin", "labelers": names, "overlap": 3})
    truth = {p: rng.randrange(3) for p, _ in texts}
    given = {name: {} for name in names}
    for client, name in zip(labelers, names):
        for a in s.mine(client, "sent"):
            # Labelers agree with the truth 70% of the time, otherwise pick at random.
            c = truth[a["path"]] if rng.random() < 0.7 else rng.randrange(3)
            given[name][a["path"]] = c
            client.ok("POST", s.lp("sent") + f"/assignments/{a['id']}/submit", json={"annotation": {"classes": [CLASSES[c]]}})
    report = s.rev.ok("GET", s.lp("sent") + "/agreement")["agreement"]
    paths = sorted(truth)
    assert report["items_compared"] == n
    by_pair = {(p["a"], p["b"]): p for p in report["pairs"]}
    for a, b in itertools.combinations(sorted(names), 2):
        expected = cohen_kappa_score([given[a][p] for p in paths], [given[b][p] for p in paths])
        assert by_pair[(a, b)]["cohen_kappa"] == pytest.approx(expected, abs=1e-12)
    table = [[sum(1 for name in names if given[name][p] == c) for c in range(3)] for p in paths]
    assert report["overall"]["fleiss_kappa"] == pytest.approx(statsmodels.fleiss_kappa(table, method="fleiss"), abs=1e-12)
    for k, row in enumerate(report["per_class"]):
        assert row["class"] == CLASSES[k]
        binary = [[3 - t[k], t[k]] for t in table]
        assert row["fleiss_kappa"] == pytest.approx(statsmodels.fleiss_kappa(binary, method="fleiss"), abs=1e-12)
    units = [[given[name][p] for name in names] for p in paths]
    assert report["overall"]["krippendorff_alpha"] == pytest.approx(krippendorff_nominal(units), abs=1e-12)
    disagreeing = [p for p in paths if len({given[name][p] for name in names}) > 1]
    assert report["disagreement_count"] == len(disagreeing)
    assert sorted(d["path"] for d in report["disagreements"]) == disagreeing
    agree_pairs = sum(given[a][p] == given[b][p] for p in paths for a, b in itertools.combinations(names, 2))
    assert report["hlp"] == {"metric": "accuracy", "value": pytest.approx(agree_pairs / (3 * n))}
