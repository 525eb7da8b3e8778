"""Metrics of moebius_eval_ref against scikit-learn (Debian's python3-sklearn) on the same data.

The data are generated here with fixed seeds: binary problems with tied scores and imbalanced
classes, multiclass problems with rare classes and predictions of a class absent from y_true,
regression targets with zeros (MAPE's epsilon) and constant targets, ranking queries with tied
scores and queries without a relevant document. Every number must agree to 1e-9 relative
(1e-12 absolute near zero); curves must agree point for point.

seqeval is not packaged by Debian, so NER spans are compared with the independent
implementation of seqeval's get_entities below; QA with SQuAD's normalize_answer and F1 copied
in spirit from the official evaluation script; detection with a small pycocotools-style
evaluator written here.

Run: /usr/bin/python3 -m pytest -q tests/eval
The binary comes from MOEBIUS_EVAL_REF (default build/src/eval/moebius_eval_ref).
"""
import collections
import json
import math
import os
import pathlib
import re
import string
import subprocess

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve
from sklearn.preprocessing import label_binarize

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("MOEBIUS_EVAL_REF", str(ROOT / "build/src/eval/moebius_eval_ref"))
REL = 1e-9
ABS = 1e-12
SEEDS = [0, 1, 2, 3, 4, 5]
# sklearn warns on the undefined ratios this data is built to hit (zero_division and the like).
pytestmark = pytest.mark.filterwarnings("ignore")


def run(calls):
    assert os.path.exists(BIN), f"build moebius_eval_ref first (looked for {BIN})"
    out = subprocess.run([BIN], input=json.dumps({"calls": calls}), capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["results"]


def values(calls):
    results = run(calls)
    for call, r in zip(calls, results):
        assert "value" in r, f"{call['fn']}: {r}"
    return [r["value"] for r in results]


def close(got, want, what):
    if want is None or (isinstance(want, float) and math.isnan(want)):
        assert got is None, f"{what}: got {got}, want NaN/null"
        return
    assert got is not None, f"{what}: got null, want {want}"
    assert abs(got - want) <= max(REL * abs(want), ABS), f"{what}: got {got!r}, want {want!r}"


def close_list(got, want, what):
    want = list(np.asarray(want, dtype=float))
    assert len(got) == len(want), f"{what}: {len(got)} points, want {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        close(g, float(w), f"{what}[{i}]")


def L(a):
    return [int(x) for x in a]


def F(a):
    return [float(x) for x in a]


# ---------------------------------------------------------------- data


def binary_case(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(50, 400))
    pos_rate = [0.5, 0.1, 0.03, 0.3, 0.7, 0.2][seed % 6]
    y = (rng.random(n) < pos_rate).astype(int)
    if y.sum() == 0:
        y[0] = 1
    if y.sum() == n:
        y[0] = 0
    noise = rng.normal(0, 1, n)
    p = 1 / (1 + np.exp(-(1.5 * (2 * y - 1) + noise)))
    # Ties: round the probabilities to 2 decimals (many equal scores), on odd seeds to 1.
    p = np.round(p, 1 if seed % 2 else 2)
    p = np.clip(p, 0, 1)
    pred = (p >= 0.5).astype(int)
    return y, pred, p


def multiclass_case(seed):
    rng = np.random.default_rng(100 + seed)
    k = [3, 4, 5, 3, 6, 4][seed % 6]
    n = int(rng.integers(80, 500))
    weights = rng.dirichlet(np.ones(k) * 0.7)
    weights = np.maximum(weights, 0.02)
    weights /= weights.sum()
    y = rng.choice(k, size=n, p=weights)
    for c in range(k):  # every class present in y_true
        y[c] = c
    logits = rng.normal(0, 1, (n, k))
    logits[np.arange(n), y] += 1.2
    if seed % 2:
        logits = np.round(logits, 1)  # ties within rows
    proba = np.exp(logits)
    proba /= proba.sum(axis=1, keepdims=True)
    pred = proba.argmax(axis=1)
    return y, pred, proba


# ---------------------------------------------------------------- classification


@pytest.mark.parametrize("seed", SEEDS)
def test_binary_classification(seed):
    y, pred, p = binary_case(seed)
    yt, yp, ps = L(y), L(pred), F(p)
    calls = [
        {"fn": "accuracy", "y_true": yt, "y_pred": yp},
        {"fn": "prf", "y_true": yt, "y_pred": yp, "average": "binary", "pos_label": 1},
        {"fn": "prf", "y_true": yt, "y_pred": yp, "average": "binary", "pos_label": 0},
        {"fn": "prf", "y_true": yt, "y_pred": yp, "average": "micro"},
        {"fn": "prf", "y_true": yt, "y_pred": yp, "average": "macro"},
        {"fn": "prf", "y_true": yt, "y_pred": yp, "average": "weighted"},
        {"fn": "balanced_accuracy", "y_true": yt, "y_pred": yp},
        {"fn": "cohen_kappa", "y_true": yt, "y_pred": yp},
        {"fn": "mcc", "y_true": yt, "y_pred": yp},
        {"fn": "confusion_matrix", "y_true": yt, "y_pred": yp},
        {"fn": "confusion_matrix", "y_true": yt, "y_pred": yp, "labels": [1, 0]},
        {"fn": "roc_auc", "y_true": yt, "y_score": ps},
        {"fn": "average_precision", "y_true": yt, "y_score": ps},
        {"fn": "log_loss", "y_true": yt, "y_score": ps},
        {"fn": "roc_curve", "y_true": yt, "y_score": ps},
        {"fn": "roc_curve", "y_true": yt, "y_score": ps, "drop_intermediate": False},
        {"fn": "pr_curve", "y_true": yt, "y_score": ps},
        {"fn": "calibration", "y_true": yt, "y_score": ps, "n_bins": 5},
        {"fn": "calibration", "y_true": yt, "y_score": ps, "n_bins": 10, "strategy": "uniform"},
        {"fn": "calibration", "y_true": yt, "y_score": ps, "n_bins": 7, "strategy": "quantile"},
        {"fn": "calibration", "y_true": yt, "y_score": ps, "n_bins": 4, "strategy": "quantile"},
    ]
    v = values(calls)
    close(v[0], skm.accuracy_score(y, pred), "accuracy")
    for i, (avg, pos) in enumerate([("binary", 1), ("binary", 0), ("micro", 1), ("macro", 1), ("weighted", 1)]):
        want = skm.precision_recall_fscore_support(y, pred, average=avg, pos_label=pos, zero_division="warn")
        for j, name in enumerate(["precision", "recall", "f1"]):
            close(v[1 + i][name], float(want[j]), f"{avg}/{pos} {name}")
    close(v[6], skm.balanced_accuracy_score(y, pred), "balanced_accuracy")
    close(v[7], skm.cohen_kappa_score(y, pred), "kappa")
    close(v[8], skm.matthews_corrcoef(y, pred), "mcc")
    assert v[9]["matrix"] == skm.confusion_matrix(y, pred).tolist()
    assert v[10]["labels"] == [1, 0] and v[10]["matrix"] == skm.confusion_matrix(y, pred, labels=[1, 0]).tolist()
    close(v[11], skm.roc_auc_score(y, p), "roc_auc")
    close(v[12], skm.average_precision_score(y, p), "average_precision")
    close(v[13], skm.log_loss(y, p), "log_loss")
    for got, drop in [(v[14], True), (v[15], False)]:
        fpr, tpr, thr = skm.roc_curve(y, p, drop_intermediate=drop)
        close_list(got["fpr"], fpr, f"roc fpr drop={drop}")
        close_list(got["tpr"], tpr, f"roc tpr drop={drop}")
        close_list(got["thresholds"], thr, f"roc thresholds drop={drop}")
    prec, rec, thr = skm.precision_recall_curve(y, p)
    close_list(v[16]["precision"], prec, "pr precision")
    close_list(v[16]["recall"], rec, "pr recall")
    close_list(v[16]["thresholds"], thr, "pr thresholds")
    for got, (bins, strategy) in zip(v[17:], [(5, "uniform"), (10, "uniform"), (7, "quantile"), (4, "quantile")]):
        pt, pp = calibration_curve(y, p, n_bins=bins, strategy=strategy)
        close_list(got["prob_true"], pt, f"calibration {strategy} {bins} prob_true")
        close_list(got["prob_pred"], pp, f"calibration {strategy} {bins} prob_pred")


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_binary_with_other_labels_and_pos_label(seed):
    # Labels {2, 5}; the positive class is 2 (the smaller one) for curves and AP.
    y, pred, p = binary_case(seed)
    y2 = np.where(y == 1, 2, 5)
    pred2 = np.where(pred == 1, 2, 5)
    yt, ps = L(y2), F(p)
    v = values([
        {"fn": "roc_curve", "y_true": yt, "y_score": ps, "pos_label": 2},
        {"fn": "pr_curve", "y_true": yt, "y_score": ps, "pos_label": 2},
        {"fn": "average_precision", "y_true": yt, "y_score": ps, "pos_label": 2},
        {"fn": "roc_auc", "y_true": yt, "y_score": ps, "pos_label": 2},
        {"fn": "prf", "y_true": yt, "y_pred": L(pred2), "average": "binary", "pos_label": 2},
        {"fn": "log_loss", "y_true": yt, "y_score": ps, "pos_label": 2},
        {"fn": "calibration", "y_true": yt, "y_score": ps, "pos_label": 2, "n_bins": 6},
    ])
    fpr, tpr, thr = skm.roc_curve(y2, p, pos_label=2)
    close_list(v[0]["fpr"], fpr, "fpr")
    close_list(v[0]["tpr"], tpr, "tpr")
    close_list(v[0]["thresholds"], thr, "thresholds")
    prec, rec, thr = skm.precision_recall_curve(y2, p, pos_label=2)
    close_list(v[1]["precision"], prec, "precision")
    close_list(v[1]["recall"], rec, "recall")
    close(v[2], skm.average_precision_score(y2, p, pos_label=2), "ap")
    close(v[3], skm.auc(fpr, tpr), "auc")
    want = skm.precision_recall_fscore_support(y2, pred2, average="binary", pos_label=2)
    close(v[4]["f1"], want[2], "f1")
    # sklearn's binary log_loss takes the probability of the greater label (5).
    close(v[5], skm.log_loss(y2, 1 - p), "log_loss")
    pt, pp = calibration_curve(y2, p, pos_label=2, n_bins=6)
    close_list(v[6]["prob_true"], pt, "calibration prob_true")
    close_list(v[6]["prob_pred"], pp, "calibration prob_pred")


@pytest.mark.parametrize("seed", SEEDS)
def test_multiclass_classification(seed):
    y, pred, proba = multiclass_case(seed)
    k = proba.shape[1]
    # Predictions of a class absent from y_true exercise zero_division.
    pred = pred.copy()
    pred[: 3] = k
    yt, yp = L(y), L(pred)
    rows = [F(r) for r in proba]
    classes = list(range(k))
    calls = [
        {"fn": "accuracy", "y_true": yt, "y_pred": yp},
        {"fn": "prf", "y_true": yt, "y_pred": yp, "average": "micro"},
        {"fn": "prf", "y_true": yt, "y_pred": yp, "average": "macro"},
        {"fn": "prf", "y_true": yt, "y_pred": yp, "average": "weighted"},
        {"fn": "class_report", "y_true": yt, "y_pred": yp},
        {"fn": "balanced_accuracy", "y_true": yt, "y_pred": yp},
        {"fn": "cohen_kappa", "y_true": yt, "y_pred": yp},
        {"fn": "cohen_kappa", "y_true": yt, "y_pred": yp, "weights": "linear"},
        {"fn": "cohen_kappa", "y_true": yt, "y_pred": yp, "weights": "quadratic"},
        {"fn": "mcc", "y_true": yt, "y_pred": yp},
        {"fn": "confusion_matrix", "y_true": yt, "y_pred": yp},
        {"fn": "log_loss", "y_true": yt, "y_proba": rows, "classes": classes},
        {"fn": "top_k", "y_true": yt, "y_score_matrix": rows, "classes": classes, "k": 1},
        {"fn": "top_k", "y_true": yt, "y_score_matrix": rows, "classes": classes, "k": 2},
        {"fn": "top_k", "y_true": yt, "y_score_matrix": rows, "classes": classes, "k": 3},
        {"fn": "roc_auc", "y_true": yt, "y_proba": rows, "classes": classes, "average": "macro"},
        {"fn": "roc_auc", "y_true": yt, "y_proba": rows, "classes": classes, "average": "weighted"},
        {"fn": "average_precision", "y_true": yt, "y_score_matrix": rows, "classes": classes, "average": "macro"},
        {"fn": "average_precision", "y_true": yt, "y_score_matrix": rows, "classes": classes, "average": "weighted"},
        {"fn": "class_report", "y_true": yt, "y_pred": yp, "labels": [2, 0, 1]},
    ]
    v = values(calls)
    close(v[0], skm.accuracy_score(y, pred), "accuracy")
    for i, avg in enumerate(["micro", "macro", "weighted"]):
        want = skm.precision_recall_fscore_support(y, pred, average=avg)
        for j, name in enumerate(["precision", "recall", "f1"]):
            close(v[1 + i][name], float(want[j]), f"{avg} {name}")
    report = skm.classification_report(y, pred, output_dict=True, zero_division=0)
    for c in v[4]["per_class"]:
        want = report[str(c["label"])]
        close(c["precision"], want["precision"], f"class {c['label']} precision")
        close(c["recall"], want["recall"], f"class {c['label']} recall")
        close(c["f1"], want["f1-score"], f"class {c['label']} f1")
        assert c["support"] == want["support"]
    close(v[4]["macro"]["f1"], report["macro avg"]["f1-score"], "report macro f1")
    close(v[4]["weighted"]["recall"], report["weighted avg"]["recall"], "report weighted recall")
    close(v[5], skm.balanced_accuracy_score(y, pred), "balanced_accuracy")
    close(v[6], skm.cohen_kappa_score(y, pred), "kappa")
    close(v[7], skm.cohen_kappa_score(y, pred, weights="linear"), "kappa linear")
    close(v[8], skm.cohen_kappa_score(y, pred, weights="quadratic"), "kappa quadratic")
    close(v[9], skm.matthews_corrcoef(y, pred), "mcc")
    assert v[10]["matrix"] == skm.confusion_matrix(y, pred).tolist()
    close(v[11], skm.log_loss(y, proba), "log_loss")
    for i, kk in enumerate([1, 2, 3]):
        close(v[12 + i], skm.top_k_accuracy_score(y, proba, k=kk, labels=classes), f"top_{kk}")
    close(v[15], skm.roc_auc_score(y, proba, multi_class="ovr", average="macro"), "roc_auc ovr macro")
    close(v[16], skm.roc_auc_score(y, proba, multi_class="ovr", average="weighted"), "roc_auc ovr weighted")
    yb = label_binarize(y, classes=classes)
    close(v[17], skm.average_precision_score(yb, proba, average="macro"), "ap ovr macro")
    close(v[18], skm.average_precision_score(yb, proba, average="weighted"), "ap ovr weighted")
    want = skm.precision_recall_fscore_support(y, pred, labels=[2, 0, 1], average=None)
    assert [c["label"] for c in v[19]["per_class"]] == [2, 0, 1]
    for i, c in enumerate(v[19]["per_class"]):
        close(c["f1"], want[2][i], f"labels order f1 {i}")
    wm = skm.precision_recall_fscore_support(y, pred, labels=[2, 0, 1], average="macro")
    close(v[19]["macro"]["precision"], wm[0], "labels= macro precision")


def test_log_loss_clipping_and_hard_probabilities():
    # Probabilities 0 and 1 exercise the eps clipping and the renormalisation.
    y = [0, 1, 2, 1, 0, 2]
    # The last rows sum to 1 within the accepted tolerance but not exactly: sklearn renormalises.
    proba = [[1, 0, 0], [0, 1, 0], [0.5, 0.5, 0], [0, 0, 1], [0.2, 0.3, 0.500004], [0.1, 0.1, 0.800005]]
    v = values([{"fn": "log_loss", "y_true": y, "y_proba": proba, "classes": [0, 1, 2]},
                {"fn": "log_loss", "y_true": [0, 1, 1, 0], "y_score": [0.0, 1.0, 0.0, 1.0]}])
    close(v[0], skm.log_loss(y, proba), "multiclass")
    close(v[1], skm.log_loss([0, 1, 1, 0], [0.0, 1.0, 0.0, 1.0]), "binary")


# ---------------------------------------------------------------- regression


@pytest.mark.parametrize("seed", SEEDS)
def test_regression(seed):
    rng = np.random.default_rng(200 + seed)
    n = int(rng.integers(1, 300)) if seed else 1
    y = rng.normal(10, 5, n) * (10 ** (seed - 2))
    if seed % 2:
        y[: n // 5] = 0.0  # zeros: MAPE divides by eps
    pred = y + rng.normal(0, 2, n) * (10 ** (seed - 2))
    cases = [(y, pred), (np.full(n, 3.0), pred), (np.full(n, 3.0), np.full(n, 3.0))]
    v = values([{"fn": "regression", "y_true": F(a), "y_pred": F(b)} for a, b in cases])
    for got, (a, b) in zip(v, cases):
        close(got["mse"], skm.mean_squared_error(a, b), "mse")
        close(got["rmse"], skm.mean_squared_error(a, b, squared=False), "rmse")
        close(got["mae"], skm.mean_absolute_error(a, b), "mae")
        close(got["mape"], skm.mean_absolute_percentage_error(a, b), "mape")
        close(got["median_ae"], skm.median_absolute_error(a, b), "median_ae")
        close(got["explained_variance"], skm.explained_variance_score(a, b), "explained_variance")
        close(got["max_error"], skm.max_error(a, b), "max_error")
        if n >= 2:
            close(got["r2"], skm.r2_score(a, b), "r2")
        else:
            assert got["r2"] is None


# ---------------------------------------------------------------- ranking


def ranking_case(seed, n_queries=30, n_docs=12):
    rng = np.random.default_rng(300 + seed)
    rel = rng.integers(0, 4, (n_queries, n_docs)).astype(float)
    rel[rng.random((n_queries, n_docs)) < 0.4] = 0
    rel[0] = 0  # a query without relevant documents
    scores = rel + rng.normal(0, 1.5, (n_queries, n_docs))
    if seed % 2:
        scores = np.round(scores)  # many ties
    return rel, scores


def mrr_reference(rel, scores):
    out = []
    for r, s in zip(rel, scores):
        order = sorted(range(len(s)), key=lambda i: -s[i])  # stable
        ranks = [k + 1 for k, i in enumerate(order) if r[i] > 0]
        if ranks:
            out.append(1.0 / ranks[0])
    return sum(out) / len(out), len(out)


@pytest.mark.parametrize("seed", SEEDS)
def test_ranking(seed):
    rel, scores = ranking_case(seed)
    R, S = [F(r) for r in rel], [F(s) for s in scores]
    distinct = scores + np.arange(scores.size).reshape(scores.shape) * 1e-7  # no ties for ignore_ties
    D = [F(s) for s in distinct]
    calls = [{"fn": "ndcg", "relevance": R, "scores": S, "k": k} for k in (None, 1, 3, 5, 20)]
    calls += [{"fn": "ndcg", "relevance": R, "scores": D, "k": k, "ignore_ties": True} for k in (None, 5)]
    calls += [{"fn": "map", "relevance": R, "scores": S}, {"fn": "mrr", "relevance": R, "scores": S}]
    v = values(calls)
    for i, k in enumerate((None, 1, 3, 5, 20)):
        close(v[i], skm.ndcg_score(rel, scores, k=k), f"ndcg@{k}")
    for i, k in enumerate((None, 5)):
        close(v[5 + i], skm.ndcg_score(rel, distinct, k=k, ignore_ties=True), f"ndcg@{k} ignore_ties")
    aps = [skm.average_precision_score(r > 0, s) for r, s in zip(rel, scores) if (r > 0).any()]
    close(v[7]["value"], float(np.mean(aps)), "map")
    assert v[7]["queries"] == len(aps) and v[7]["skipped_queries"] == len(rel) - len(aps)
    want, n = mrr_reference(rel, scores)
    close(v[8]["value"], want, "mrr")
    assert v[8]["queries"] == n


# ---------------------------------------------------------------- NER (independent seqeval)


def seqeval_entities(seq):
    """seqeval.metrics.sequence_labeling.get_entities, default (non-strict) mode, re-written."""
    flat = [t for sent in seq for t in sent + ["O"]]
    prev_tag, prev_type, begin, chunks = "O", "", 0, []
    for i, chunk in enumerate(flat + ["O"]):
        tag = chunk[0]
        type_ = chunk[1:].split("-", maxsplit=1)[-1] or "_"
        end = (prev_tag in "ES") or (prev_tag in "BI" and tag in "BSO") or (prev_tag != "O" and prev_type != type_)
        if end:
            chunks.append((prev_type, begin, i - 1))
        start = (tag in "BS") or (prev_tag in "ESO" and tag in "EI") or (tag != "O" and prev_type != type_)
        if start:
            begin = i
        prev_tag, prev_type = tag, type_
    return set(chunks)


def strict_iob2_entities(seq):
    flat = [t for sent in seq for t in sent + ["O"]]
    out, cur = set(), None
    for i, t in enumerate(flat + ["O"]):
        if t.startswith("I-") and cur and cur[0] == t[2:]:
            continue
        if cur:
            out.add((cur[0], cur[1], i - 1))
        cur = (t[2:], i) if t.startswith("B-") else None
    return out


def span_prf(true_ents, pred_ents):
    tp = len(true_ents & pred_ents)
    p = tp / len(pred_ents) if pred_ents else 0.0
    r = tp / len(true_ents) if true_ents else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def random_tags(rng, n_sent, iobes):
    prefixes = ["B", "I", "E", "S"] if iobes else ["B", "I"]
    types = ["PER", "LOC", "ORG"]
    out = []
    for _ in range(n_sent):
        out.append(["O" if rng.random() < 0.4 else f"{rng.choice(prefixes)}-{rng.choice(types)}"
                    for _ in range(int(rng.integers(1, 15)))])
    return out


def perturb(rng, seq, iobes):
    prefixes = ["B", "I", "E", "S"] if iobes else ["B", "I"]
    types = ["PER", "LOC", "ORG"]
    return [[(t if rng.random() < 0.8 else ("O" if rng.random() < 0.5 else f"{rng.choice(prefixes)}-{rng.choice(types)}"))
             for t in s] for s in seq]


@pytest.mark.parametrize("seed", SEEDS)
def test_ner_spans(seed):
    rng = np.random.default_rng(400 + seed)
    iobes = seed % 3 == 2
    y_true = random_tags(rng, 40, iobes)
    y_pred = perturb(rng, y_true, iobes)
    modes = ["default"] if iobes else ["default", "strict"]
    calls = [{"fn": "ner", "y_true": y_true, "y_pred": y_pred, "mode": m} for m in modes]
    v = values(calls)
    for got, mode in zip(v, modes):
        extract = seqeval_entities if mode == "default" else strict_iob2_entities
        t, p = extract(y_true), extract(y_pred)
        want = span_prf(t, p)
        close(got["micro"]["precision"], want[0], f"{mode} precision")
        close(got["micro"]["recall"], want[1], f"{mode} recall")
        close(got["micro"]["f1"], want[2], f"{mode} f1")
        assert got["true_entities"] == len(t) and got["pred_entities"] == len(p)
        per_type = []
        for typ in sorted({e[0] for e in t | p}):
            per_type.append(span_prf({e for e in t if e[0] == typ}, {e for e in p if e[0] == typ}))
        for j, name in enumerate(["precision", "recall", "f1"]):
            close(got["macro"][name], sum(x[j] for x in per_type) / len(per_type), f"{mode} macro {name}")


# ---------------------------------------------------------------- QA (SQuAD's script)


def squad_normalize(s):
    def remove_articles(text):
        return re.sub(r"\b(a|an|the)\b", " ", text)

    def white_space_fix(text):
        return " ".join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return "".join(ch for ch in text if ch not in exclude)

    return white_space_fix(remove_articles(remove_punc(s.lower())))


def squad_f1(pred, gold):
    p, g = squad_normalize(pred).split(), squad_normalize(gold).split()
    if not p or not g:
        return float(p == g)
    common = collections.Counter(p) & collections.Counter(g)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def test_qa_exact_match_and_f1():
    rng = np.random.default_rng(7)
    words = ["The", "a", "an", "cat", "Cat,", "sat", "on", "the", "mat.", "Seoul", "서울", "theater", "(an)", "A.",
             "dog's", "U.S.", "  ", "x_y", "Thea", "1,000", "an-apple"]
    preds, golds = [], []
    for _ in range(300):
        preds.append(" ".join(rng.choice(words, int(rng.integers(0, 6)))))
        golds.append([" ".join(rng.choice(words, int(rng.integers(1, 6)))) for _ in range(int(rng.integers(1, 4)))])
    preds[0], golds[0] = "The Cat sat.", ["cat sat", "a dog"]
    preds[1], golds[1] = "", ["the"]  # both normalise to empty
    v = values([{"fn": "qa", "predictions": preds, "golds": golds}] +
               [{"fn": "qa_normalize", "text": t} for t in preds[:50]])
    em = np.mean([max(float(squad_normalize(p) == squad_normalize(g)) for g in gs) for p, gs in zip(preds, golds)])
    f1 = np.mean([max(squad_f1(p, g) for g in gs) for p, gs in zip(preds, golds)])
    close(v[0]["exact_match"], float(em), "exact_match")
    close(v[0]["f1"], float(f1), "f1")
    for got, text in zip(v[1:], preds[:50]):
        assert got == squad_normalize(text), text


# ---------------------------------------------------------------- detection (pycocotools-style)


def iou(a, b):
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def coco_ap(gts, dts, t):
    """pycocotools' evaluateImg + accumulate for one class, areaRng all, no maxDets cut."""
    npig = len(gts)
    order = sorted(range(len(dts)), key=lambda i: (-dts[i]["score"], dts[i]["image"]))
    taken = set()
    tps, fps = [], []
    for i in order:
        d = dts[i]
        best, m = min(t, 1 - 1e-10), -1
        for g, gt in enumerate(gts):
            if gt["image"] != d["image"] or g in taken:
                continue
            o = iou(d["box"], gt["box"])
            if o < best:
                continue
            best, m = o, g
        if m >= 0:
            taken.add(m)
        tps.append(m >= 0)
        fps.append(m < 0)
    tp, fp = np.cumsum(tps, dtype=float), np.cumsum(fps, dtype=float)
    rc = tp / npig
    pr = list(tp / (fp + tp + np.spacing(1)))
    for i in range(len(pr) - 1, 0, -1):
        if pr[i] > pr[i - 1]:
            pr[i - 1] = pr[i]
    rec_thrs = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1, endpoint=True)
    q = np.zeros(len(rec_thrs))
    inds = np.searchsorted(rc, rec_thrs, side="left")
    for ri, pi in enumerate(inds):
        if pi < len(pr):
            q[ri] = pr[pi]
    return float(np.mean(q))


def voc_ap(gts, dts):
    npos = len(gts)
    order = sorted(range(len(dts)), key=lambda i: -dts[i]["score"])
    taken = set()
    tp, fp = [], []
    for i in order:
        d = dts[i]
        cands = [(iou(d["box"], gt["box"]), g) for g, gt in enumerate(gts) if gt["image"] == d["image"]]
        hit = False
        if cands:
            ov = max(c[0] for c in cands)
            g = next(c[1] for c in cands if c[0] == ov)
            if ov > 0.5 and g not in taken:
                taken.add(g)
                hit = True
        tp.append(float(hit))
        fp.append(float(not hit))
    tp, fp = np.cumsum(tp), np.cumsum(fp)
    rec = tp / npos
    prec = tp / np.maximum(tp + fp, np.finfo(np.float64).eps)
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(mpre.size - 1, 0, -1):
        mpre[i - 1] = max(mpre[i - 1], mpre[i])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_detection_map(seed):
    rng = np.random.default_rng(500 + seed)
    gts, dts = [], []
    for img in range(12):
        for _ in range(int(rng.integers(0, 5))):
            x, y = rng.uniform(0, 80, 2)
            w, h = rng.uniform(5, 30, 2)
            label = int(rng.integers(0, 3))
            gts.append({"image": img, "label": label, "box": [x, y, x + w, y + h]})
            for _ in range(int(rng.integers(0, 3))):  # detections near the box, some duplicates
                j = rng.normal(0, 3, 4)
                dts.append({"image": img, "label": label if rng.random() < 0.85 else int(rng.integers(0, 3)),
                            "box": [x + j[0], y + j[1], x + j[0] + max(w + j[2], 1.0), y + j[1] + max(h + j[3], 1.0)],
                            "score": float(np.round(rng.random(), 1 if seed % 2 else 6))})
        for _ in range(int(rng.integers(0, 3))):  # background detections
            x, y = rng.uniform(0, 80, 2)
            dts.append({"image": img, "label": int(rng.integers(0, 3)), "box": [x, y, x + 10, y + 10],
                        "score": float(np.round(rng.random(), 1 if seed % 2 else 6))})
    got = values([{"fn": "detection", "ground_truth": gts, "detections": dts}])[0]
    labels = sorted({g["label"] for g in gts})
    thresholds = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1, endpoint=True)
    close_list(got["iou_thresholds"], thresholds, "iou thresholds")
    coco, voc, ap50 = [], [], []
    for c, label in zip(got["per_class"], labels):
        g = [x for x in gts if x["label"] == label]
        d = [x for x in dts if x["label"] == label]
        per_t = [coco_ap(g, d, t) for t in thresholds]
        close(c["ap_coco"], float(np.mean(per_t)), f"class {label} ap_coco")
        close(c["ap50"], per_t[0], f"class {label} ap50")
        close(c["ap75"], per_t[5], f"class {label} ap75")
        close(c["ap_voc"], voc_ap(g, d), f"class {label} ap_voc")
        coco.append(np.mean(per_t))
        voc.append(voc_ap(g, d))
    close(got["map_coco"], float(np.mean(coco)), "map_coco")
    close(got["map_voc"], float(np.mean(voc)), "map_voc")


def test_segmentation_iou_dice():
    rng = np.random.default_rng(9)
    t = rng.integers(0, 5, 5000)
    p = np.where(rng.random(5000) < 0.7, t, rng.integers(0, 6, 5000))
    t[:200] = 255
    got = values([{"fn": "segmentation", "y_true": L(t), "y_pred": L(p), "ignore_index": 255}])[0]
    keep = t != 255
    tt, pp = t[keep], p[keep]
    labels = sorted(set(tt) | set(pp))
    assert [c["label"] for c in got["per_class"]] == labels
    # Jaccard and F1 per class from sklearn on the flattened masks equal IoU and Dice.
    j = skm.jaccard_score(tt, pp, labels=labels, average=None, zero_division=0)
    f = skm.f1_score(tt, pp, labels=labels, average=None, zero_division=0)
    for c, jj, ff in zip(got["per_class"], j, f):
        close(c["iou"], jj, f"iou {c['label']}")
        close(c["dice"], ff, f"dice {c['label']}")
    close(got["mean_iou"], float(np.mean(j)), "mean_iou")
    close(got["pixel_accuracy"], skm.accuracy_score(tt, pp), "pixel accuracy")


# ---------------------------------------------------------------- slices


def test_slices_priority_against_sklearn():
    y, pred, p = binary_case(0)
    rng = np.random.default_rng(11)
    keys = [str(k) for k in rng.choice(["seoul", "busan", "daegu", "jeju"], size=len(y), p=[0.5, 0.3, 0.15, 0.05])]
    v = values([
        {"fn": "slices", "metric": "accuracy", "keys": keys, "y_true": L(y), "y_pred": L(pred)},
        {"fn": "slices", "metric": "f1_macro", "keys": keys, "y_true": L(y), "y_pred": L(pred),
         "baselines": {"seoul": 0.99}},
        {"fn": "slices", "task": "regression", "metric": "rmse", "keys": keys, "y_true": F(y), "y_pred": F(p)},
    ])
    keys = np.array(keys)
    for got, fn, higher in [(v[0], skm.accuracy_score, True),
                            (v[1], lambda a, b: skm.f1_score(a, b, average="macro"), True),
                            (v[2], lambda a, b: skm.mean_squared_error(a, b, squared=False), False)]:
        overall = fn(y, p if not higher else pred)
        close(got["overall"], overall, "overall")
        priorities = []
        for s in got["slices"]:
            m = keys == s["key"]
            metric = fn(y[m], (pred if higher else p)[m])
            base = 0.99 if (got is v[1] and s["key"] == "seoul") else overall
            gap = base - metric if higher else metric - base
            close(s["metric"], metric, f"{s['key']} metric")
            close(s["share"], m.mean(), f"{s['key']} share")
            close(s["priority"], gap * m.mean(), f"{s['key']} priority")
            priorities.append(s["priority"])
        assert priorities == sorted(priorities, reverse=True)


# ---------------------------------------------------------------- bad input


def test_bad_input_is_invalid_argument():
    calls = [
        {"fn": "accuracy", "y_true": [0, 1, 1], "y_pred": [0, 1]},
        {"fn": "accuracy", "y_true": [], "y_pred": []},
        {"fn": "roc_auc", "y_true": [1, 1, 1], "y_score": [0.2, 0.5, 0.9]},
        {"fn": "roc_auc", "y_true": [0, 1, 1], "y_score": [0.2, "nan", 0.9]},
        {"fn": "log_loss", "y_true": [0, 1], "y_proba": [[0.5, 0.6], [0.1, 0.9]]},
        {"fn": "roc_auc", "y_true": [0, 1, 2], "y_proba": [[0.5, 0.5, 0.5], [0.1, 0.9, 0], [0, 0, 1]], "classes": [0, 1, 2]},
        {"fn": "regression", "y_true": [1.0, "inf"], "y_pred": [1.0, 2.0]},
        {"fn": "prf", "y_true": [0, 1, 2], "y_pred": [0, 1, 2], "average": "binary"},
        {"fn": "ndcg", "relevance": [[1, 0]], "scores": [[0.1]]},
        {"fn": "ner", "y_true": [["B-PER", "X-PER"]], "y_pred": [["O", "O"]]},
        {"fn": "log_loss", "y_true": [0, 3], "y_proba": [[0.5, 0.5], [0.1, 0.9]]},
        {"fn": "calibration", "y_true": [0, 1], "y_score": [0.5, 1.5]},
        {"fn": "detection", "ground_truth": [], "detections": []},
        {"fn": "segmentation", "y_true": [1, 2], "y_pred": [1]},
    ]
    for call, r in zip(calls, run(calls)):
        assert "error" in r, f"{call}: {r}"
        assert r["error"]["code"] == "INVALID_ARGUMENT", r
        assert r["error"]["message"], r
