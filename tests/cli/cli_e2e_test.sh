#!/usr/bin/env bash
# The CLI against a real server: login, create and list projects, tasks, experiments and runs,
# tables and --json, evaluate, compare, errors and exit codes, logout.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${MOEBIUS_BIN:-$ROOT/build/moebius}
PY=/usr/bin/python3
tmp=$(mktemp -d)
export MOEBIUS_CONFIG_DIR=$tmp/config
unset MOEBIUS_SERVER MOEBIUS_TOKEN
: > "$tmp/out"  # exists before the server opens it, so the wait loop can read it
"$BIN" server --data-dir "$tmp/data" --host 127.0.0.1 --port 0 --no-access-log > "$tmp/out" 2> "$tmp/err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 200); do grep -q '^listening on' "$tmp/out" && break; sleep 0.05; done
URL=$(sed -n 's/^listening on //p' "$tmp/out")
[[ -n $URL ]] || { echo "server did not start"; cat "$tmp/err"; exit 1; }
fail() { echo "FAIL: $*"; exit 1; }
m() { "$BIN" "$@"; }

# Not logged in: a clear error and exit code 1; a usage error is 2.
set +e
m project list > /dev/null 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "project list without login should exit 1"
grep -q "not logged in" "$tmp/e" || fail "no 'not logged in' message"
m project frobnicate > /dev/null 2>&1; [[ $? -eq 2 ]] || fail "unknown subcommand should exit 2"
echo wrong-password | m login --server "$URL" --username admin --password-stdin > /dev/null 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "bad login should exit 1"
grep -q "invalid username or password" "$tmp/e" || fail "bad login message"
set -e

m login --server "$URL" --username admin --password-stdin < "$tmp/data/initial-admin-password" | grep -q "logged in" || fail login
[[ $(stat -c %a "$MOEBIUS_CONFIG_DIR/credentials.json") == 600 ]] || fail "credentials file mode"
[[ $(stat -c %a "$MOEBIUS_CONFIG_DIR") == 700 ]] || fail "credentials folder mode"

m project create churn --display-name "고객 이탈" --description "demo" | grep -q "created project churn" || fail "project create"
m project list | grep -E "^churn +고객 이탈" > /dev/null || fail "project list table"
m --json project list | $PY -c 'import json,sys; ps=json.load(sys.stdin)["projects"]; assert any(p["name"]=="churn" for p in ps)' || fail "project list --json"
m project show churn | grep -q "고객 이탈" || fail "project show"
# --json may follow the command; the table aligns the wide display name (width 9, not 13 bytes).
m project list --json | $PY -c 'import json,sys; assert "churn" in [p["name"] for p in json.load(sys.stdin)["projects"]]' || fail "project list --json after the command"
m project create short-one --display-name "short" > /dev/null
m project list | $PY -c '
import re, sys, unicodedata
rows = sys.stdin.read().splitlines()
def width(s): return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
col = rows[0].index("CREATED")
starts = {r.split()[0]: width(r[:re.search(r"\d{4}-\d\d-\d\d", r).start()]) for r in rows[1:]}
assert {"churn", "short-one"} <= set(starts) and set(starts.values()) == {col}, (rows, starts, col)
' || fail "project list columns align with Korean names"
set +e
m project create churn > /dev/null 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "duplicate project exit code"
set -e
grep -q "^error: .*churn" "$tmp/e" || fail "duplicate project message: $(cat "$tmp/e")"

m task create churn tabular-churn --domain tabular --problem-type classification --metric f1 --primary-metric f1 \
  --criteria "f1>=0.85 and p99_latency_ms<=50" | grep -q "f1 >= 0.85 and p99_latency_ms <= 50" || fail "task create"
set +e
m task create churn broken --domain tabular --problem-type classification --criteria "f1 >=" > /dev/null 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "bad criteria exit code"
set -e
grep -q "column" "$tmp/e" || fail "bad criteria message names the column"
m task list churn | grep -q "tabular-churn" || fail "task list"
m task show churn tabular-churn | grep -E "^metrics +f1" > /dev/null || fail "task show"

m experiment create churn xgb | grep -q "created experiment xgb" || fail "experiment create"
EXP=$(m --json experiment list churn | $PY -c 'import json,sys; print(json.load(sys.stdin)["experiments"][0]["experiment_id"])')
m experiment show "$EXP" | grep -q "churn" || fail "experiment show"

# Two runs through the MLflow-compatible API with the CLI's own token.
TOKEN=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$MOEBIUS_CONFIG_DIR/credentials.json")
mkrun() {
  local rid
  rid=$(curl -sf -H "Authorization: Bearer $TOKEN" -X POST "$URL/api/2.0/mlflow/runs/create" -d "{\"experiment_id\":\"$EXP\",\"run_name\":\"$1\"}" |
    $PY -c 'import json,sys; print(json.load(sys.stdin)["run"]["info"]["run_id"])')
  curl -sf -H "Authorization: Bearer $TOKEN" -X POST "$URL/api/2.0/mlflow/runs/log-batch" -d "{\"run_id\":\"$rid\",
    \"metrics\":[{\"key\":\"f1\",\"value\":$2,\"timestamp\":1,\"step\":0},{\"key\":\"p99_latency_ms\",\"value\":20,\"timestamp\":1,\"step\":0}],
    \"params\":[{\"key\":\"lr\",\"value\":\"$3\"},{\"key\":\"depth\",\"value\":\"6\"}]}" > /dev/null
  echo "$rid"
}
R1=$(mkrun good 0.9 0.1)
R2=$(mkrun weak 0.7 0.01)
m run list "$EXP" | grep -q "good" || fail "run list"
[[ $(m --json run list "$EXP" --filter "metrics.f1 > 0.8" | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["runs"]))') == 1 ]] || fail "run list --filter"
m run list "$EXP" --order-by "metrics.f1 ASC" | sed -n 2p | grep -q weak || fail "run list --order-by"
set +e
m run list "$EXP" --filter "metrics.f1 > 1; DROP TABLE runs" > /dev/null 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "bad filter exit code"
set -e
grep -q "position" "$tmp/e" || fail "bad filter message"
m run show "$R1" | grep -q "param lr" || fail "run show"
m run create "$EXP" --name cli-made --param lr=0.5 --metric f1=0.88 --metric p99_latency_ms=12 --tag src=cli --finish | grep -q "created run" || fail "run create"
[[ $(m --json run list "$EXP" --filter "attributes.run_name = 'cli-made' and params.lr = '0.5' and metrics.f1 > 0.87" | $PY -c 'import json,sys; r=json.load(sys.stdin)["runs"]; print(len(r), r[0]["info"]["status"])') == "1 FINISHED" ]] || fail "run create logged its values"
set +e
m run create "$EXP" --metric f1=high > /dev/null 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "run create bad metric exit code"
set -e
m run compare "$R1" "$R2" | grep -E '^\* +lr' > /dev/null || fail "run compare marks the differing param"
m run compare "$R1" "$R2" | grep -E '^ +depth' > /dev/null || fail "run compare leaves equal params unmarked"
m task evaluate churn tabular-churn "$R1" | grep -q "^PASSED" || fail "evaluate pass"
m task evaluate churn tabular-churn "$R2" | grep -q "^FAILED" || fail "evaluate fail"

# Data analysis through the CLI: stats, quality, schema, refine, row split, transform.
$PY - "$tmp/tab" <<'PYEOF'
import os, sys
d = sys.argv[1]; os.makedirs(d)
with open(os.path.join(d, "c.csv"), "w") as f:
    f.write("id,age,plan,churned\n")
    for i in range(60):
        f.write(f"{i},{20 + i % 40},{'pro' if i % 3 == 0 else 'free'},{'yes' if i % 4 == 0 else 'no'}\n")
    f.write("0,20,pro,yes\n")  # a duplicate row
PYEOF
m data create churn/customers --domain tabular > /dev/null || fail "data create"
m data ingest churn/customers "$tmp/tab" | grep -q "round 1" || fail "data ingest"
m data version churn/customers --round 1 | grep -q "^v1 (raw)" || fail "data version"
m data stats churn/customers@v1 --label churned | grep -E "^age +(int|float) +61 +0 +" > /dev/null || fail "data stats"
m data quality churn/customers@v1 | grep -E "^duplicate_rows +1 +rows 61" > /dev/null || fail "data quality names the duplicate row"
m data schema churn/customers --infer-from v1 | grep -E "^plan +string +false +.*free, pro" > /dev/null || fail "data schema infer"
echo '[{"op": "drop_duplicate_rows"}]' > "$tmp/ops.json"
m data version churn/customers --from v1 --status refined --operations "$tmp/ops.json" | grep -q "^v2 (refined)" || fail "refine"
m data split churn/customers@v2 --method stratified --label churned --ratios train=0.5,test=0.5 | grep -E "^test +yes +7$" > /dev/null || fail "row split"
echo '{"columns": [{"column": "age", "steps": [{"kind": "z_score"}]}]}' > "$tmp/tf.json"
m data transform churn/customers@v2 --config "$tmp/tf.json" | grep -E "^transform [0-9a-f]{64} fitted on v2" > /dev/null || fail "transform"
# Lineage reads left to right (issue 17): the refined v2 is derived from v1, not the other way.
m data lineage churn/customers | grep -E "^v2 +derived from +v1 *$" > /dev/null || fail "data lineage reads child then parent"
m data lineage churn/customers | grep -E "^round 1 +ingested into +dataset customers *$" > /dev/null || fail "data lineage: round into dataset"
# `data list PROJECT`, as the other list verbs take the project.
m data list churn | grep -q "^churn/customers " || fail "data list PROJECT"

# Environments and code snapshots (PRJ-6, PRJ-7): env create/update/show/list with the secret
# never shown, code push of a git repository (clean, then dirty) and of a plain folder with a
# .moebiusignore, list/show/cat/checkout, a job running the snapshot with the environment, templates.
m env create churn train --kind development --cpus 0.5 --memory-mb 256 --var GREETING=hello --secret API_KEY=s3cr3t-value \
  --param lr=0.1 --ref corpus=/srv/corpus -m first | grep -q "created environment train (revision 1)" || fail "env create"
m env update churn train --var GREETING=bonjour -m friendlier | grep -q "updated environment train (revision 2)" || fail "env update"
m env show churn train > "$tmp/o"
grep -E "var GREETING +bonjour" "$tmp/o" > /dev/null || fail "env show variable"
grep -E "var API_KEY +\*+ \(secret\)" "$tmp/o" > /dev/null || fail "env show masks the secret"
grep -E "^2 +.*admin +friendlier" "$tmp/o" > /dev/null || fail "env show revisions"
m --json env show churn train > "$tmp/o"; m env list churn >> "$tmp/o"
! grep -q "s3cr3t-value" "$tmp/o" || fail "a secret value was shown"
m env list churn | grep -E "^train +development +2 +0.5 +256 " > /dev/null || fail "env list"
set +e
m env create churn boxed --image reg.example/x:1 --file <(echo '{"isolation": "container"}') > /dev/null 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "container env exit code"
set -e
grep -q "not supported yet" "$tmp/e" || fail "container isolation message: $(cat "$tmp/e")"

mkdir -p "$tmp/repo/lib"
printf 'import os\nprint("greeting=" + os.environ["GREETING"], "key=" + os.environ["API_KEY"])\nprint(open("lib/msg.txt").read())\n' > "$tmp/repo/train.py"
echo "from the snapshot" > "$tmp/repo/lib/msg.txt"
git -C "$tmp/repo" init -q -b main && git -C "$tmp/repo" add -A
git -C "$tmp/repo" -c user.name=t -c user.email=t@e commit -qm first
COMMIT=$(git -C "$tmp/repo" rev-parse HEAD)
m code push "$tmp/repo" --project churn -m first > "$tmp/o" 2> "$tmp/e" || fail "code push: $(cat "$tmp/e")"
grep -E "^pushed snapshot [0-9a-f]{64}: 2 files, .* git ${COMMIT:0:12} \(main\)$" "$tmp/o" > /dev/null || fail "code push output: $(cat "$tmp/o")"
[[ ! -s $tmp/e ]] || fail "a clean repository warned: $(cat "$tmp/e")"
SNAP=$(grep -oE '[0-9a-f]{64}' "$tmp/o")
m code push "$tmp/repo" --project churn | grep -q "^already had snapshot $SNAP" || fail "the same commit is the same snapshot"
echo "# edited" >> "$tmp/repo/train.py"
m code push "$tmp/repo" --project churn > "$tmp/o" 2> "$tmp/e"
grep -q "^warning: the working tree has 1 uncommitted change" "$tmp/e" || fail "dirty warning: $(cat "$tmp/e")"
grep -q "(main) dirty" "$tmp/o" || fail "dirty snapshot recorded: $(cat "$tmp/o")"
DIRTY=$(grep -oE '[0-9a-f]{64}' "$tmp/o"); [[ $DIRTY != "$SNAP" ]] || fail "dirty tree has the clean id"
mkdir -p "$tmp/plain/out"; echo 'print(1)' > "$tmp/plain/run.py"; echo junk > "$tmp/plain/out/model.bin"; printf 'out/\n' > "$tmp/plain/.moebiusignore"
m code push "$tmp/plain" --project churn | grep -qE "^pushed snapshot [0-9a-f]{64}: 2 files, .* dir$" || fail "plain folder push"
m code list churn | grep -E "^${SNAP:0:16} +2 " > /dev/null || fail "code list"
m code show churn "${SNAP:0:10}" | grep -E "^755|^644" | grep -q "lib/msg.txt" || fail "code show files"
[[ $(m code cat churn "$SNAP" lib/msg.txt) == "from the snapshot" ]] || fail "code cat"
m code checkout churn "$SNAP" "$tmp/co" | grep -q "checked out $SNAP (2 files)" || fail "code checkout"
git -C "$tmp/repo" stash -q && diff -r --exclude=.git "$tmp/repo" "$tmp/co" || fail "checkout differs from the commit"
JOB=$(m --json job submit churn --environment train --code "${SNAP:0:12}" -- python3 train.py | $PY -c 'import json,sys; print(json.load(sys.stdin)["job"]["id"])')
m job logs -f "$JOB" > "$tmp/o" 2> "$tmp/e" || true
grep -q "succeeded" "$tmp/e" || fail "job with code and environment: $(cat "$tmp/o" "$tmp/e")"
grep -q "greeting=bonjour key=\*\*\*" "$tmp/o" || fail "job used the environment (secret masked in its log): $(cat "$tmp/o")"
grep -q "from the snapshot" "$tmp/o" || fail "job ran the snapshot"
set +e
m job submit churn --environment nowhere -- true > /dev/null 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "unknown environment exit code"
set -e
grep -q "environment 'nowhere' does not exist" "$tmp/e" || fail "unknown environment message"
m code template | grep -q "python-mlflow" || fail "template list"
m code template xgboost --set dataset=customers --set label=churned --out "$tmp/xgb" | grep -q "wrote $tmp/xgb/train.sh" || fail "template xgboost"
grep -q -- '--label churned' "$tmp/xgb/train.sh" && [[ -x $tmp/xgb/train.sh ]] || fail "xgboost wrapper"
m code template python-mlflow --out "$tmp/py" > /dev/null && $PY -m py_compile "$tmp/py/train.py" || fail "python template compiles"
m env delete churn train | grep -q "deleted environment train" || fail "env delete"

echo "password-456" | m user create alice --role model-developer --password-stdin | grep -q "created user alice" || fail "user create"
m user list | grep -E "^alice +.*model-developer" > /dev/null || fail "user list"
m project add-member churn alice model-developer > /dev/null
m project members churn | grep -E "^alice +model-developer" > /dev/null || fail "members"
m token create ci --expires-days 7 | grep -q "mbt_" || fail "token create"
m token list | grep -E "cli@.* never" > /dev/null || fail "token list shows the CLI's own token"
TID=$(m --json token list | $PY -c 'import json,sys; print([t["id"] for t in json.load(sys.stdin)["tokens"] if t["name"]=="ci"][0])')
m token revoke "$TID" | grep -q revoked || fail "token revoke"

# Components and pipelines (EXP-3): JSON files in, a run followed to its end, the second one cached.
cat > "$tmp/comp.json" <<'JSON'
{"name": "hello", "command": ["python3", "-c", "import sys; open(sys.argv[1], 'w').write('hi ' + sys.argv[2])", "{outputs.greeting}", "{who}"],
 "parameters": [{"name": "who", "type": "string", "default": "world"}], "outputs": [{"name": "greeting"}]}
JSON
cat > "$tmp/pipe.json" <<'JSON'
{"name": "greet", "parameters": [{"name": "who", "type": "string", "default": "world"}],
 "steps": [{"name": "say", "component": "hello", "params": {"who": "{{pipeline.params.who}}"}}]}
JSON
m component create churn "$tmp/comp.json" | grep -q "component hello version 1 created" || fail "component create"
m component create churn "$tmp/comp.json" | grep -q "component hello version 1 unchanged" || fail "component create again"
m component list churn | grep -E "^hello +1 +custom" > /dev/null || fail "component list"
m component show churn hello | grep -q '"{outputs.greeting}"' || fail "component show"
m pipeline create churn "$tmp/pipe.json" | grep -q "pipeline greet version 1 created" || fail "pipeline create"
m pipeline list churn | grep -E "^greet +1 +1 " > /dev/null || fail "pipeline list"
m pipeline run churn greet --param who=kim --wait | grep -E "^say +hello@1 +succeeded" > /dev/null || fail "pipeline run --wait"
m pipeline run churn greet --param who=kim --wait | grep -E "^say +hello@1 +cached" > /dev/null || fail "pipeline re-run is cached"
[[ $(m pipeline runs churn greet | grep -c succeeded) == 2 ]] || fail "pipeline runs"
m pipeline runs churn --id 1 | grep -q "pipeline run 1 of greet v1: succeeded" || fail "pipeline runs --id"
echo "name: yaml" > "$tmp/bad.yaml"
set +e
m component create churn "$tmp/bad.yaml" > /dev/null 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "a YAML file should exit 1"
grep -q "is not valid JSON" "$tmp/e" || fail "YAML file message"
m pipeline run churn greet --param nope=1 > /dev/null 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "unknown parameter exit code"
grep -q "unknown pipeline parameter 'nope'" "$tmp/e" || fail "unknown parameter message"
m pipeline cancel 1 > /dev/null 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "cancelling an ended run should exit 1"
set -e

# The registry: a run's XGBoost model registered, moved, aliased; production only through an
# approved request, approved by another user.
# A real 3-feature XGBoost model (python3-xgboost), so verify's inference has a model to run.
$PY -c '
import sys, numpy as np, xgboost as xgb
x = np.random.default_rng(0).normal(size=(200, 3)).astype(np.float32)
xgb.train({"objective": "binary:logistic", "max_depth": 2}, xgb.DMatrix(x, label=(x[:, 0] > 0).astype(np.float32)), 5).save_model(sys.argv[1])
' "$tmp/xgb-model.json"
curl -sf -H "Authorization: Bearer $TOKEN" -X PUT "$URL/api/2.0/mlflow-artifacts/artifacts/$EXP/$R1/artifacts/model/model.json" --data-binary @"$tmp/xgb-model.json" > /dev/null
m model register churn churn-xgb --run "$R1" --tag team=growth | grep -q "registered churn-xgb version 1 (xgboost, moebius)" || fail "model register"
m model list churn | grep -E "^churn-xgb +1 +1 " > /dev/null || fail "model list"
m model stage churn-xgb 1 staging --reason "first candidate" | grep -q "is now in staging" || fail "model stage"
m model alias churn-xgb champion 1 | grep -q "churn-xgb@champion -> version 1" || fail "model alias"
m model version churn-xgb 1 | grep -q "development -> staging by admin  first candidate" || fail "model version shows the stage history"
m model show churn-xgb | grep -E "^1 +staging +xgboost" > /dev/null || fail "model show"
set +e
m model stage churn-xgb 1 production > /dev/null 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "production without a request should exit 1"
grep -q "approved request" "$tmp/e" || fail "production refusal message: $(cat "$tmp/e")"
m model register churn churn-xgb --run "$R2" > /dev/null 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "a run without a model should exit 1"
grep -q "no artifacts under 'model'" "$tmp/e" || fail "missing model message: $(cat "$tmp/e")"
set -e
REQ=$(m --json approval request churn-xgb 1 --reason "f1 0.9" | $PY -c 'import json,sys; print(json.load(sys.stdin)["request"]["id"])')
set +e
m approval approve "$REQ" > /dev/null 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "approving one's own request should exit 1"
grep -q "cannot be approved by the user who made it" "$tmp/e" || fail "self-approval message: $(cat "$tmp/e")"
set -e
echo boss-password-1 | m user create boss > /dev/null || fail "user create boss"
m project add-member churn boss approver | grep -q "boss is approver in churn" || fail "add-member"
BOSS=$(curl -sf -X POST "$URL/api/v1/auth/login" -d '{"username":"boss","password":"boss-password-1"}' | $PY -c 'import json,sys; print(json.load(sys.stdin)["token"])')
MOEBIUS_TOKEN=$BOSS MOEBIUS_SERVER=$URL m approval list --state pending | grep -E "^$REQ +churn-xgb +1 +production +pending .*awaiting your review" > /dev/null || fail "approval inbox"
MOEBIUS_TOKEN=$BOSS MOEBIUS_SERVER=$URL m approval approve "$REQ" --comment "checked" | grep -q "(approved)" || fail "approval approve"
m model show churn-xgb | grep -E "^1 +production" > /dev/null || fail "the approved version is in production"

# Model card, Triton repository: export, verify, re-import; a changed file fails verify.
m model card churn-xgb 1 --set intended_use="Rank customers by churn risk" | grep -q "updated 1 section" || fail "model card --set"
m model card churn-xgb 1 | grep -q "Rank customers by churn risk" || fail "model card shows the written section"
m model card churn-xgb 1 --format pdf --out "$tmp/card.pdf" > /dev/null || fail "model card pdf"
head -c 5 "$tmp/card.pdf" | grep -q "%PDF-" || fail "the card is a PDF"
m model export churn-xgb 1 --out "$tmp/triton" | grep -q "wrote the Triton repository" || fail "model export"
[[ -f $tmp/triton/churn-xgb/config.pbtxt && -f $tmp/triton/churn-xgb/1/xgboost.json ]] || fail "Triton's layout"
m package verify "$tmp/triton" | grep -q "^verified" || fail "package verify"
m model import churn "$tmp/triton" --model churn-copy | grep -q "registered churn-copy version 1 (xgboost)" || fail "model import"
echo " " >> "$tmp/triton/churn-xgb/1/xgboost.json"
set +e
m package verify "$tmp/triton" > "$tmp/out" 2> "$tmp/e"; [[ $? -eq 1 ]] || fail "verify of a changed repository should exit 1"
set -e
grep -q "xgboost.json does not match the manifest" "$tmp/out" || fail "verify names the changed file: $(cat "$tmp/out")"

# Deployments and v2 inference: a canary, a prediction, a named variant, a rollback.
m deploy create churn churn-live --variant blue=churn-xgb:1@90 --variant green=churn-copy:1@10 --reason "first canary" | grep -q "deployed churn-live (development, weighted)" || fail "deploy create"
m predict churn-live --input input__0=0 > /dev/null 2> "$tmp/e" && fail "a one-value request to a 3-feature model should fail"
grep -q "input 'input__0' must have shape \[n, 3\]" "$tmp/e" || fail "predict error names the input: $(cat "$tmp/e")"
echo '{"inputs":[{"name":"input__0","shape":[1,3],"datatype":"FP32","data":[0.5,-1,2]}]}' > "$tmp/req.json"
m predict churn-live --file "$tmp/req.json" --variant green | grep -q "(variant green)" || fail "predict a named variant"
m deploy set churn-live --variant blue=churn-xgb:1@100 --reason "canary off" | grep -q "weight 100" || fail "deploy set"
m deploy rollback churn-live --reason "undo" | grep -q "green" || fail "deploy rollback"
m deploy show churn-live | grep -Eq "rollback +by admin" || fail "deploy show history"
# Capture, feedback, a blue-green switch with its rollback, a canary, the history.
m deploy configure churn-live --capture-rate 1 --max-error-rate 0.5 --window 30 | grep -q "capture 100%, guardrails over 30 s: errors <= 50.0%" || fail "deploy configure"
rid=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" --data @"$tmp/req.json" "$URL/v2/models/churn-live/infer" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-moebius-request-id"{print $2}')
[[ -n $rid ]] || fail "an answer names its request id"
m deploy feedback churn-live "$rid" '{"label": 1}' | grep -q "feedback recorded for $rid" || fail "deploy feedback"
m deploy captures churn-live --feedback-only | grep -q "$rid .*feedback {\"label\":1}" || fail "deploy captures: $(m deploy captures churn-live)"
m deploy switch churn-live --variant teal=churn-copy:1 --keep 600 | grep -q "teal .*weight 100" || fail "deploy switch"
m deploy rollback churn-live | grep -q "blue " || fail "rollback of a switch"
m deploy canary churn-live --variant next=churn-copy:1 --steps 10,50 --interval 600 | grep -q "canary next at 10%" || fail "deploy canary"
m deploy history churn-live | grep -q "canary-start" || fail "deploy history"
m deploy compare churn-live --label label | grep -q "accuracy on 1 answers with feedback (control blue)" || fail "deploy compare: $(m deploy compare churn-live)"

m logout | grep -q "logged out" || fail logout
[[ ! -e $MOEBIUS_CONFIG_DIR/credentials.json ]] || fail "credentials kept after logout"
# The CLI's token was revoked on the server.
[[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/api/v1/auth/me") == 401 ]] || fail "token still valid after logout"
echo "cli e2e: ok"
