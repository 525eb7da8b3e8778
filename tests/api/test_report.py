"""The experiment report (모델 실험 결과서) and confirmation (EVAL-6) against a real server: a run
with metrics and an evaluation exports as HTML (every section) and PDF (valid per pdfinfo, its
Korean headings, metric names and values recovered by pdftotext); confirming with failing
criteria is a 409 with the clause report and creates nothing; passing criteria yield a package
whose archive holds the manifest and artifacts with matching sha256; a viewer cannot confirm."""
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile

import pytest

from moebius_server import Server


def tool(name):
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} is not installed (Debian poppler-utils; scripts/install-deps.sh installs it)")
    return path


@pytest.fixture(scope="module")
def env():
    server = Server().start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": "rep", "description": "고객 이탈을 10% 줄인다"})
    admin.ok("POST", "/api/v1/projects/rep/tasks",
             json={"name": "churn", "domain": "tabular", "problem_type": "classification", "primary_metric": "eval_f1",
                   "acceptance_criteria": "eval_accuracy >= 0.7 and eval_f1 >= 0.6"})
    admin.ok("POST", "/api/v1/projects/rep/tasks",
             json={"name": "strict", "domain": "tabular", "problem_type": "classification",
                   "acceptance_criteria": "eval_accuracy >= 0.99"})
    exp = admin.ok("POST", "/api/v1/projects/rep/experiments", json={"name": "rep-exp"})["experiment"]["experiment_id"]
    yield server, admin, exp
    server.cleanup()


def new_run(admin, exp, name):
    run = admin.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp, "run_name": name})["run"]["info"]["run_id"]
    admin.ok("POST", "/api/2.0/mlflow/runs/log-batch", json={
        "run_id": run, "params": [{"key": "max_depth", "value": "6"}],
        "tags": [{"key": "moebius.task", "value": "churn"}, {"key": "mlflow.source.git.commit", "value": "0123abcd"}]})
    return run


def evaluate(admin, run, y_pred):
    y_true = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    score = [0.9, 0.8, 0.7, 0.6, 0.3, 0.4, 0.2, 0.1, 0.35, 0.05]
    return admin.ok("POST", f"/api/v1/runs/{run}/evaluations", json={
        "problem": "classification", "y_true": y_true, "y_pred": y_pred, "y_score": score,
        "slices": {"features": {"region": ["서울", "서울", "부산", "부산", "부산", "서울", "서울", "부산", "부산", "서울"]},
                   "tags": [["noise"], [], ["noise"], [], ["night"], [], [], ["night"], [], []]}})["evaluation"]


def test_evaluation_keeps_baselines_and_previous_model(env):
    server, admin, exp = env
    first = new_run(admin, exp, "first")
    evaluate(admin, first, [1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    second = new_run(admin, exp, "second")
    ev = evaluate(admin, second, [1, 1, 1, 1, 0, 0, 0, 0, 1, 0])
    simple = ev["baselines"]["simple"]
    assert simple["model"] == "majority_class" and simple["metrics"]["accuracy"] == 0.5
    assert ev["calibration"]["count"] and ev["slices"][0]["by"] == "region"
    view = admin.ok("GET", f"/api/v1/runs/{second}/evaluation")["evaluation"]
    assert view["baselines"]["previous"]["run_id"] == first
    assert view["baselines"]["human"] is None and "labeling" in view["baselines"]["human_note"]
    explicit = admin.ok("GET", f"/api/v1/runs/{first}/evaluation", params={"baseline_run": second})["evaluation"]
    assert explicit["baselines"]["previous"]["run_id"] == second
    assert admin.ok("GET", f"/api/v1/runs/{first}/evaluation")["evaluation"]["baselines"]["previous"] is None
    r = admin.get(f"/api/v1/runs/{first}/evaluation", params={"baseline_run": "nope"})
    assert r.status_code == 404


def test_html_and_pdf_reports(env):
    server, admin, exp = env
    run = new_run(admin, exp, "report-run")
    evaluate(admin, run, [1, 1, 1, 1, 0, 0, 0, 0, 1, 0])
    admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/explanations.json",
             data=json.dumps({"importance": {"gain": {"tenure": 3.5, "monthly_fee": 1.25}}}).encode())
    html = admin.get(f"/api/v1/runs/{run}/report", params={"format": "html", "lang": "ko"})
    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
    for section in ("sec-overview", "sec-goal", "sec-data", "sec-code", "sec-params", "sec-metrics", "sec-evaluation",
                    "sec-slices", "sec-baselines", "sec-explanations", "sec-confirmation"):
        assert f'id="{section}"' in html.text, section
    for text in ("모델 실험 결과서", "사용자승인기준", "eval_accuracy &gt;= 0.7", "region=부산", "0123abcd", "tenure", "<polyline", "heatmap",
                 "없음: 기록된 라벨러 간 일치도가 없습니다"):
        assert text in html.text, text
    en = admin.get(f"/api/v1/runs/{run}/report", params={"lang": "en"}).text
    assert "Model experiment report" in en and "not available: no labeling agreement recorded" in en

    pdf = admin.get(f"/api/v1/runs/{run}/report", params={"format": "pdf", "download": "1"})
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF-1.7") and len(pdf.content) < 400 * 1024
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "r.pdf")
        open(path, "wb").write(pdf.content)
        info = subprocess.run([tool("pdfinfo"), path], capture_output=True, text=True)
        assert info.returncode == 0 and "Syntax Error" not in info.stderr, info.stderr
        assert "Pages:" in info.stdout
        fonts = subprocess.run([tool("pdffonts"), path], capture_output=True, text=True).stdout
        assert "CID TrueType" in fonts and "Identity-H" in fonts
        text = subprocess.run([tool("pdftotext"), "-enc", "UTF-8", path, "-"], capture_output=True, text=True).stdout
    for expected in ("모델 실험 결과서", "1. 개요", "2. 비즈니스 목표와 사용자승인기준", "7. 모델 평가", "9. 기준 모델 비교",
                     "eval_accuracy", "eval_f1", "0.8", "roc_auc", "region=부산", "고객 이탈을 10% 줄인다", "tenure", "단순 모델"):
        assert expected in text, expected
    bad = admin.get(f"/api/v1/runs/{run}/report", params={"format": "docx"})
    assert bad.status_code == 400 and "format" in bad.json()["message"]
    assert admin.get(f"/api/v1/runs/{run}/report", params={"lang": "fr"}).status_code == 400


def test_confirm_failing_then_passing_and_archive_hashes(env):
    server, admin, exp = env
    run = new_run(admin, exp, "confirm-run")
    admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/model/model.ubj", data=b"\x00model-bytes" * 100)
    admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/transform.json", data=b'{"steps": []}')
    evaluate(admin, run, [1, 1, 1, 1, 0, 0, 0, 0, 1, 0])  # accuracy 0.8, f1 0.8

    failing = admin.post(f"/api/v1/runs/{run}/confirm", json={"task": "strict"})
    assert failing.status_code == 409, failing.text
    body = failing.json()
    assert body["error_code"] == "CRITERIA_NOT_MET"
    assert body["criteria"]["clauses"] == [
        {"text": "eval_accuracy >= 0.99", "metric": "eval_accuracy", "logged_as": "eval_accuracy", "passed": False, "actual": 0.8}]
    assert admin.ok("GET", "/api/v1/projects/rep/packages")["packages"] == []

    assert admin.post(f"/api/v1/runs/{run}/confirm", json={"task": "nope"}).status_code == 400

    pkg = admin.ok("POST", f"/api/v1/runs/{run}/confirm", json={})["package"]  # task from the run's moebius.task tag
    assert pkg["task"] == "churn" and pkg["criteria_result"]["passed"] is True and pkg["created_by"] == "admin"
    again = admin.post(f"/api/v1/runs/{run}/confirm", json={})
    assert again.status_code == 409 and "already confirmed" in again.json()["message"]
    listed = admin.ok("GET", "/api/v1/projects/rep/packages")["packages"]
    assert [p["id"] for p in listed] == [pkg["id"]]
    shown = admin.ok("GET", f"/api/v1/packages/{pkg['id']}")["package"]
    manifest = shown["manifest"]
    assert manifest["schema"] == "moebius.confirmed-package/1" and manifest["run"]["id"] == run
    roles = {a["path"]: a["role"] for a in manifest["artifacts"]}
    assert roles["model/model.ubj"] == "model" and roles["transform.json"] == "transform" and roles["evaluations/eval.json"] == "evaluation"
    assert manifest["params"] == {"max_depth": "6"} and manifest["metrics"]["eval_accuracy"] == 0.8
    assert {"key": "mlflow.source.git.commit", "value": "0123abcd"} in manifest["code"]
    assert manifest["evaluation"]["artifact"] == "evaluations/eval.json"

    r = admin.get(f"/api/v1/packages/{pkg['id']}/archive")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/x-tar"
    tar = tarfile.open(fileobj=io.BytesIO(r.content))
    names = tar.getnames()
    assert "manifest.json" in names
    archived = json.loads(tar.extractfile("manifest.json").read())
    assert archived == manifest
    assert hashlib.sha256(tar.extractfile("manifest.json").read()).hexdigest() == pkg["manifest_sha256"]
    for a in manifest["artifacts"]:
        data = tar.extractfile("artifacts/" + a["path"]).read()
        assert len(data) == a["size"] and hashlib.sha256(data).hexdigest() == a["sha256"], a["path"]

    report = admin.get(f"/api/v1/runs/{run}/report").text
    assert "확정됨" in report
    assert admin.get("/api/v1/packages/abc").status_code == 400
    assert admin.get("/api/v1/packages/99999").status_code == 404


def test_viewer_cannot_confirm_but_can_read(env):
    server, admin, exp = env
    run = new_run(admin, exp, "viewer-run")
    evaluate(admin, run, [1, 1, 1, 1, 0, 0, 0, 0, 1, 0])
    admin.ok("POST", "/api/v1/users", json={"username": "rep-viewer", "password": "password-123", "global_role": "viewer"})
    admin.ok("PUT", "/api/v1/projects/rep/members/rep-viewer", json={"role": "viewer"})
    viewer = server.client(server.login("rep-viewer", "password-123"))
    r = viewer.post(f"/api/v1/runs/{run}/confirm", json={"task": "churn"})
    assert r.status_code == 403 and r.json()["error_code"] == "PERMISSION_DENIED"
    assert admin.ok("GET", "/api/v1/projects/rep/packages")["packages"] == [] or all(
        p["run_id"] != run for p in admin.ok("GET", "/api/v1/projects/rep/packages")["packages"])
    assert viewer.get(f"/api/v1/runs/{run}/report").status_code == 200
    check = viewer.ok("GET", f"/api/v1/runs/{run}/criteria")
    assert check["task"] == "churn" and check["check"]["passed"] is True
    audit = admin.ok("GET", "/api/v1/audit")
    text = json.dumps(audit)
    assert "/confirm" in text


def test_cli_report_confirm_and_packages(env):
    from moebius_server import BIN
    server, admin, exp = env
    run = new_run(admin, exp, "cli-run")
    evaluate(admin, run, [1, 1, 1, 1, 0, 0, 0, 0, 1, 0])
    token = admin.s.headers["Authorization"].split(" ", 1)[1]
    envv = dict(os.environ, MOEBIUS_SERVER=server.url, MOEBIUS_TOKEN=token, MOEBIUS_CONFIG_DIR=tempfile.mkdtemp())

    def cli(*args, ok=True):
        r = subprocess.run([BIN, *args], capture_output=True, text=True, env=envv)
        assert (r.returncode == 0) == ok, r.stdout + r.stderr
        return r

    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "r.pdf")
        assert "wrote" in cli("run", "report", run, "--format", "pdf", "--out", out).stdout
        assert open(out, "rb").read(5) == b"%PDF-"
        text = subprocess.run([tool("pdftotext"), "-enc", "UTF-8", out, "-"], capture_output=True, text=True).stdout
        assert "모델 실험 결과서" in text and "eval_accuracy" in text
        failing = cli("run", "confirm", run, "--task", "strict", ok=False)
        assert "eval_accuracy >= 0.99" in failing.stdout + failing.stderr
        confirmed = cli("run", "confirm", run, "--task", "churn").stdout
        assert "confirmed run" in confirmed
        again = cli("run", "confirm", run, "--task", "churn", ok=False)
        assert "already confirmed" in again.stdout + again.stderr
        listed = json.loads(cli("package", "list", "rep", "--json").stdout)["packages"]
        pid = next(p["id"] for p in listed if p["run_id"] == run)
        assert "evaluations/eval.json" in cli("package", "show", str(pid)).stdout
        tar_path = os.path.join(d, "p.tar")
        cli("package", "download", str(pid), "--out", tar_path)
        with tarfile.open(tar_path) as tar:
            manifest = json.loads(tar.extractfile("manifest.json").read())
            for a in manifest["artifacts"]:
                assert hashlib.sha256(tar.extractfile("artifacts/" + a["path"]).read()).hexdigest() == a["sha256"]
