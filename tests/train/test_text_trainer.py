"""The built-in text classifier (issue 4 item 4): `moebius train text`, a fastText-style libtorch
model over word and character n-grams, on a Korean + English review table made in code,
uploaded as a dataset and split through the API (a time split on the row number, so the test
rows are the last ones). Test rows write each topic word with particles/endings (Korean) or
suffixes (English) that never occur in the train rows: a words-only model (--maxn 0) cannot
know them, character n-grams can. The job gets its data through payload.data and its run
through `experiment`; the other runs use the command directly on a `moebius data checkout`
folder. Bad input fails the job with a clear line in its log and a FAILED run."""
import hashlib
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import BIN, Server  # noqa: E402
sys.path.insert(0, os.path.dirname(__file__))
from trainhelpers import job_log, wait_job, wait_study  # noqa: E402

P = "/api/v1/projects/tx/datasets"
ML = "/api/2.0/mlflow/"
N = 600

# topic → (Korean stems, English stems)
TOPICS = {
    "delivery": (["배송", "택배", "도착"], ["deliver", "ship", "arriv"]),
    "quality": (["품질", "재질", "마감"], ["qualit", "materi", "stitch"]),
    "price": (["가격", "가성비", "할인"], ["pric", "discount", "cheap"]),
}
KO_TRAIN = ["이", "은", "도", "만", "이었는데"]
KO_TEST = ["을", "에", "까지", "보다", "이라서"]
EN_TRAIN = {"deliver": ["ed", "y"], "ship": ["ped", "ping"], "arriv": ["ed", "al"], "qualit": ["y", "y,"],
            "materi": ["al", "al."], "stitch": ["ed", "es"], "pric": ["e", "ed"], "discount": ["", "s"], "cheap": ["", "er"]}
EN_TEST = {"deliver": ["ing", "ies"], "ship": ["s", "ment"], "arriv": ["ing", "es"], "qualit": ["ies!", "ies?"],
           "materi": ["als!", "als?"], "stitch": ["ing", "work"], "pric": ["ing", "es"], "discount": ["ed", "ing"],
           "cheap": ["est", "ly"]}
KO_FILLER = ["정말", "너무", "그냥", "조금", "생각보다", "이번", "제품", "주문", "했어요", "좋아요", "별로예요", "괜찮아요"]
EN_FILLER = ["really", "the", "was", "very", "this", "order", "item", "okay", "not", "so", "i", "think"]


def make_table(one_class=False):
    rows = []
    state = 7
    def draw(n):
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (state >> 33) % n
    names = list(TOPICS)
    for i in range(N):
        topic = names[0] if one_class else names[i % 3]
        test_style = i >= int(N * 0.8)  # the time split puts the last 15% in test
        ko, en = TOPICS[topic]
        if i % 3 != 2 or draw(2) == 0:  # about two thirds Korean
            stem = ko[draw(3)]
            word = stem + (KO_TEST if test_style else KO_TRAIN)[draw(5)]
            filler = KO_FILLER
        else:
            stem = en[draw(3)]
            word = stem + (EN_TEST if test_style else EN_TRAIN)[stem][draw(2)]
            filler = EN_FILLER
            if draw(2):
                word = word.capitalize()
        words = [filler[draw(12)], filler[draw(12)], filler[draw(12)]]
        words.insert(draw(4), word)
        rows.append({"t": i, "review": " ".join(words), "topic": topic})
    return pd.DataFrame(rows)


def dataset(admin, name, df):
    admin.ok("POST", P, json={"name": name, "domain": "tabular"})
    base = f"{P}/{name}"
    up = admin.ok("POST", base + "/uploads", json={})["upload"]["id"]
    admin.ok("PUT", f"{base}/uploads/{up}/parts/1", data=df.to_csv(index=False).encode())
    admin.ok("POST", f"{base}/uploads/{up}/complete", json={"format": "file", "filename": name + ".csv"})
    admin.ok("POST", f"{base}/versions", json={"status": "raw", "rounds": [1]})
    spec = {"method": "time", "time_key": "t", "ratios": {"train": 0.7, "val": 0.15, "test": 0.15}, "seed": 1}
    return admin.ok("POST", f"{base}/versions", json={"status": "split", "from_version": "v1", "split": spec})["version"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    server = Server(extra_args=["--workers", "1"]).start()
    token = server.login("admin", server.admin_password())
    admin = server.client(token)
    admin.ok("POST", "/api/v1/projects", json={"name": "tx"})
    dataset(admin, "reviews", make_table())
    dataset(admin, "oneclass", make_table(one_class=True))
    cli_env = dict(os.environ, MOEBIUS_SERVER=server.url, MOEBIUS_TOKEN=token)
    tmp = tmp_path_factory.mktemp("text")
    r = subprocess.run([BIN, "data", "checkout", "tx/reviews@v2", str(tmp / "reviews")], env=cli_env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    yield server, admin, str(tmp / "reviews"), tmp
    server.cleanup()


COMMON = ["--text", "review", "--label", "topic", "--dim", "32", "--buckets", "65536", "--epochs", "10", "--batch-size", "16",
          "--threads", "1", "--perf-calls", "200"]


def train_direct(args, out):
    e = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    return subprocess.run([BIN, "train", "text", *args, "--out", str(out)], env=e, capture_output=True, text=True, timeout=120)


def test_a_job_trains_the_text_classifier_and_logs_its_run(env):
    server, admin, data_dir, tmp = env
    command = ["moebius", "train", "text", "--data", "data/reviews", *COMMON, "--seed", "5", "--early-stopping", "3"]
    job = admin.ok("POST", "/api/v1/projects/tx/jobs",
                   json={"payload": {"command": command, "data": [{"dataset": "reviews", "version": 2, "path": "data/reviews"}]},
                         "experiment": "text-e2e"})["job"]
    run_id = job["run_id"]
    j = wait_job(admin, job["id"])
    log = job_log(admin, job["id"])
    assert j["state"] == "succeeded", log
    run = admin.ok("GET", ML + "runs/get", params={"run_id": run_id})["run"]
    assert run["info"]["status"] == "FINISHED"
    params = {p["key"]: p["value"] for p in run["data"]["params"]}
    assert params["trainer"] == "text" and params["task"] == "multiclass" and params["minn"] == "2" and params["maxn"] == "4"
    assert params["torch_version"].startswith("1.") and params["buckets"] == "65536" and params["seed"] == "5"
    tags = {t["key"]: t["value"] for t in run["data"]["tags"]}
    assert tags.get("moebius.trainer") == "text"
    m = {x["key"]: x["value"] for x in run["data"]["metrics"]}
    for key in ("test_accuracy", "test_f1_macro", "rows_train", "vocabulary_size", "epochs_trained", "perf.latency_p50_ms",
                "perf.latency_p99_ms", "perf.throughput_rows_per_s", "perf.model_rss_mb", "time.train_s"):
        assert key in m, key
    assert m["rows_test"] == 90 and m["rows_train"] == 420
    assert m["test_accuracy"] > 0.8, m  # three balanced classes: chance is 1/3
    assert m["perf.latency_p99_ms"] >= m["perf.latency_p50_ms"] > 0
    hist = admin.ok("GET", ML + "metrics/get-history", params={"run_id": run_id, "metric_key": "valid-loss"})["metrics"]
    assert [h["step"] for h in hist] == list(range(1, int(m["epochs_trained"]) + 1))
    for key in ("train-loss", "valid-accuracy", "valid-f1_macro"):
        assert len(admin.ok("GET", ML + "metrics/get-history", params={"run_id": run_id, "metric_key": key})["metrics"]) == len(hist)

    files = {f["path"].split("/")[-1] for f in admin.ok("GET", f"/api/v1/runs/{run_id}/artifacts", params={"path": "model"})["files"]}
    assert {"model.pt", "transform.json", "signature.json"} <= files, files
    get = lambda p: admin.get(f"/api/v1/runs/{run_id}/artifacts/content", params={"path": p}).content
    assert get("model/model.pt")[:2] == b"PK"  # a libtorch (zip) archive
    spec = json.loads(get("model/transform.json"))
    assert spec["format"] == "moebius.text_features" and spec["hash"] == "fnv1a32"
    assert spec["classes"] == ["delivery", "price", "quality"] and "배송이" in spec["vocabulary"]
    assert hashlib.sha256(json.dumps(spec, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()).hexdigest() == \
        params["transform_hash"]
    sig = json.loads(get("model/signature.json"))
    assert sig["inputs"] == [{"name": "review", "type": "string"}] and sig["output"]["classes"] == spec["classes"]
    evaluation = json.loads(get("evaluations/test.json"))
    assert evaluation["problem"] == "classification" and evaluation["n"] == 90
    assert abs(evaluation["metrics"]["accuracy"] - m["test_accuracy"]) < 1e-12
    perf = json.loads(get("perf.json"))
    assert perf["latency_calls"] == 200
    expl = json.loads(get("explanations.json"))
    top = {c["class"]: [s["text"] for f in c["top"] for s in f["sources"]] for c in expl["classes"]}
    assert any("배" in t or "택" in t or "deliv" in t or "ship" in t for t in top["delivery"][:10]), top["delivery"]


def test_character_ngrams_carry_unseen_inflections(env):
    server, admin, data_dir, tmp = env
    acc = {}
    for name, extra in (("chars", []), ("words", ["--maxn", "0"])):
        r = train_direct(["--data", data_dir, *COMMON, "--seed", "5", "--no-perf", *extra], tmp / name)
        assert r.returncode == 0, r.stderr
        acc[name] = json.loads((tmp / name / "evaluation.json").read_text())["metrics"]["accuracy"]
    assert acc["chars"] > 0.8, acc
    assert acc["words"] < 0.6, acc
    assert acc["chars"] - acc["words"] > 0.3, acc


def test_the_same_seed_gives_the_same_model(env):
    server, admin, data_dir, tmp = env
    outs = []
    for i, seed in enumerate(("9", "9", "10")):
        args = [a if COMMON[i - 1] != "--epochs" else "3" for i, a in enumerate(COMMON)]  # 3 epochs: quick
        r = train_direct(["--data", data_dir, *args, "--seed", seed, "--no-perf", "--optimizer", "adam"],
                         tmp / f"seed{i}")
        assert r.returncode == 0, r.stderr
        outs.append(tmp / f"seed{i}")
    h = [hashlib.sha256((o / "model" / "model.pt").read_bytes()).hexdigest() for o in outs]
    ev = [(o / "evaluation.json").read_text() for o in outs]
    assert h[0] == h[1] and ev[0] == ev[1]
    assert h[0] != h[2]


BAD = [
    ("nocol", ["--text", "body", "--label", "topic"], "reviews", "--text: no text column 'body'", True),
    ("oneclass", ["--text", "review", "--label", "topic"], "oneclass", "has one class", True),
    ("ngrams", ["--text", "review", "--label", "topic", "--minn", "5", "--maxn", "3"], "reviews", "--minn must be", False),
]


@pytest.mark.parametrize("name,args,data,words,has_run", BAD, ids=[b[0] for b in BAD])
def test_bad_input_fails_the_job_with_a_clear_error(env, name, args, data, words, has_run):
    server, admin, data_dir, tmp = env
    exp = "text-bad-" + name
    command = ["moebius", "train", "text", "--data", f"data/{data}", *args, "--experiment", exp, "--project", "tx"]
    job = admin.ok("POST", "/api/v1/projects/tx/jobs",
                   json={"payload": {"command": command, "data": [{"dataset": data, "version": 2, "path": f"data/{data}"}]}})["job"]
    j = wait_job(admin, job["id"])
    log = job_log(admin, job["id"])
    assert j["state"] == "failed", log
    assert words in log, log
    assert "error:" in log, log
    if has_run:
        # The run the command created is marked FAILED, not left RUNNING.
        e = admin.ok("GET", ML + "experiments/get-by-name", params={"experiment_name": exp})["experiment"]
        runs = admin.ok("POST", ML + "runs/search", json={"experiment_ids": [e["experiment_id"]]})["runs"]
        assert [r["info"]["status"] for r in runs] == ["FAILED"]
    queued = admin.ok("GET", "/api/v1/projects/tx/jobs")["jobs"]
    assert all(q["state"] in ("succeeded", "failed", "cancelled") for q in queued), queued


def test_the_text_trainer_is_an_automl_algorithm_by_name(env):
    server, admin, data_dir, tmp = env
    admin.ok("POST", "/api/v1/projects/tx/experiments", json={"name": "tx-automl"})
    body = {"name": "tx-automl", "experiment": "tx-automl", "objective": {"metric": "valid_score", "goal": "minimize"},
            "algorithms": [{"name": "ft", "trainer": "text",
                            "args": {"text": "review", "label": "topic", "epochs": 4, "batch_size": 16, "buckets": 16384, "seed": 3},
                            "space": [{"name": "lr", "type": "float", "low": 0.1, "high": 0.8, "log": True},
                                      {"name": "dim", "type": "int", "low": 8, "high": 24},
                                      {"name": "optimizer", "type": "categorical", "choices": ["sgd", "adam"]}]}],
            "sampler": {"type": "random", "seed": 2}, "n_trials": 3, "parallelism": 1,
            "trial": {"data": [{"dataset": "reviews", "version": 2}], "resources": {"cpus": 1}, "max_attempts": 1}}
    sid = admin.ok("POST", "/api/v1/projects/tx/studies", json=body)["study"]["id"]
    wait_study(admin, sid)
    trials = admin.ok("GET", f"/api/v1/studies/{sid}/trials")["trials"]
    assert [t["state"] for t in trials] == ["complete"] * 3, [(t["state"], t["error"], job_log(admin, t["job_id"])[-800:]) for t in trials]
    for t in trials:
        run = admin.ok("GET", ML + "runs/get", params={"run_id": t["run_id"]})["run"]
        params = {p["key"]: p["value"] for p in run["data"]["params"]}
        metrics = {m["key"]: m["value"] for m in run["data"]["metrics"]}
        assert params["trainer"] == "text" and params["dim"] == str(t["params"]["ft.dim"])
        assert params["optimizer"] == t["params"]["ft.optimizer"] and params["buckets"] == "16384"
        assert float(params["lr"]) == pytest.approx(t["params"]["ft.lr"], rel=1e-5)
        # valid_score is the valid loss of the kept model: the lowest epoch's with early stopping.
        hist = admin.ok("GET", ML + "metrics/get-history", params={"run_id": t["run_id"], "metric_key": "valid-loss"})["metrics"]
        assert metrics["valid_score"] == pytest.approx(min(h["value"] for h in hist), rel=1e-9)
        assert t["value"] == pytest.approx(metrics["valid_score"])
    study = admin.ok("GET", f"/api/v1/studies/{sid}")["study"]
    assert study["best_trial"]["value"] == pytest.approx(min(t["value"] for t in trials))
    # A space whose corners the trainer refuses is a 400 when the study is created, not failed trials.
    bad = dict(body, name="bad", algorithms=[dict(body["algorithms"][0], space=[
        {"name": "minn", "type": "int", "low": 2, "high": 5}, {"name": "maxn", "type": "int", "low": 3, "high": 6}])])
    r = admin.request("POST", "/api/v1/projects/tx/studies", json=bad)
    assert r.status_code == 400 and "minn=5" in r.json()["message"], r.text
    assert not [x for x in admin.ok("GET", "/api/v1/projects/tx/studies")["studies"] if x["name"] == "bad"]


def test_moebius_runs_the_torch_trainers_through_moebius_torch_without_loading_libtorch(env):
    # The server and every other command start without libtorch (its static initializers cost
    # ~0.4 s and ~150 MB): `moebius train image|text` exec moebius-torch beside the binary.
    libs = subprocess.run(["ldd", BIN], capture_output=True, text=True, timeout=30).stdout
    assert "libtorch" not in libs and "libc10" not in libs, libs
    torch_bin = os.path.join(os.path.dirname(BIN), "moebius-torch")
    assert "libtorch" in subprocess.run(["ldd", torch_bin], capture_output=True, text=True, timeout=30).stdout
    r = subprocess.run([BIN, "train", "text", "--help"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and "--word-ngrams" in r.stdout and "train text" in r.stdout, r.stdout + r.stderr
    r = subprocess.run([BIN, "train", "image", "--data", "x"], capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, MOEBIUS_TORCH_BIN="/nonexistent/moebius-torch"))
    assert r.returncode == 1 and "moebius-torch, which is not at /nonexistent/moebius-torch" in r.stderr, r.stderr
