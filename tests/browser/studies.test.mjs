// End-to-end test of the studies UI (EXP-5): start a small study from the form, watch its trials
// arrive in the live table, see the plots, and open the best run's evaluation.
//
//   node --test tests/browser/studies.test.mjs
//
// The server runs two embedded workers; each trial is `python3 -c` code that logs `loss` at three
// steps through the MLflow REST API and posts predictions to the evaluations endpoint. In
// chromium: project → Studies tab (empty) → the form with a bad range (the server's 400 shown,
// nothing created) → a valid space of two rows (int x, categorical kind) → the study page: rows
// appear and turn complete without a reload → the best trial (checked against the API) is
// highlighted → history, importance, parallel-coordinates and contour charts paint → the best
// run's link opens the run page with its eval_* metrics. Screenshots go to tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, browserSession, loginInBrowser } from './harness.mjs';

const PROJECT = 'study-ui';

// One line, double quotes only, so it survives the form's shell-like command field in '…'.
const TRIAL =
  'import json,os,time,urllib.request as u;e=os.environ;x=int(e["MOEBIUS_PARAM_X"]);' +
  'L=(x-2)**2+(0 if e["MOEBIUS_PARAM_KIND"]=="b" else 0.5);r=e["MLFLOW_RUN_ID"];' +
  'p=lambda path,b:u.urlopen(u.Request(e["MLFLOW_TRACKING_URI"]+path,data=json.dumps(b).encode(),' +
  'headers={"Authorization":"Bearer "+e["MLFLOW_TRACKING_TOKEN"],"Content-Type":"application/json"})).read();' +
  '[(p("/api/2.0/mlflow/runs/log-metric",{"run_id":r,"key":"loss","value":L+2-s,"timestamp":int(time.time()*1000),"step":s}),time.sleep(0.4)) for s in range(3)];' +
  'p("/api/v1/runs/"+r+"/evaluations",{"name":"eval","problem":"regression","y_true":[1.0,2.0,3.0],"y_pred":[1.0+L,2.0,3.0]})';

test('studies UI: start a study, watch trials arrive, open the best run', { timeout: 240_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'studies', { args: ['--workers', '2'] });
  const { api } = await adminClient(server.base, password);
  await api('POST', '/api/v1/projects', { name: PROJECT, display_name: 'Study UI project' });
  await api('POST', `/api/v1/projects/${PROJECT}/experiments`, { name: 'tune' });
  const { page, pageErrors, shot } = await openPage();
  try {
    await loginInBrowser(page, server.base, password);
    await page.goto(`${server.base}/projects/${PROJECT}`);
    await page.getByRole('tab', { name: 'Studies' }).click();
    await page.waitForURL(/tab=studies/);
    await page.getByTestId('studies').getByText('No studies yet.').waitFor();

    await page.getByRole('button', { name: 'New study' }).click();
    const form = page.getByTestId('study-form');
    await form.locator('input[name=study-name]').fill('ui-study');
    await form.locator('input[name=study-metric]').fill('loss');
    await form.locator('input[name=study-trials]').fill('6');
    await form.locator('input[name=study-parallelism]').fill('2');
    // Row 1: an int with an empty range first (the server refuses it).
    await form.locator('input[name=param-name-0]').fill('x');
    await form.locator('select[name=param-type-0]').selectOption('int');
    await form.locator('input[name=param-low-0]').fill('5');
    await form.locator('input[name=param-high-0]').fill('2');
    await form.locator('textarea[name=study-command]').fill(`python3 -c '${TRIAL}'`);
    await form.getByRole('button', { name: 'Start study' }).click();
    const refused = form.getByTestId('study-error').getByRole('alert');
    await refused.waitFor();
    assert.match(await refused.innerText(), /empty range/);
    assert.equal((await api('GET', `/api/v1/projects/${PROJECT}/studies`)).studies.length, 0, 'a refused study creates nothing');
    assert.equal((await api('GET', `/api/v1/projects/${PROJECT}/jobs`)).jobs.length, 0, 'and queues nothing');

    await form.locator('input[name=param-low-0]').fill('0');
    await form.locator('input[name=param-high-0]').fill('3');
    await form.locator('button[name=add-param]').click();
    await form.locator('input[name=param-name-1]').fill('kind');
    await form.locator('select[name=param-type-1]').selectOption('categorical');
    await form.locator('input[name=param-choices-1]').fill('a, b');
    await shot('studies-form.png');
    await form.getByRole('button', { name: 'Start study' }).click();
    await page.waitForURL(/\/studies\/\d+$/);
    const studyId = page.url().split('/').pop();

    // Trials arrive in the live table by themselves: first some, then all six complete.
    const rows = page.locator('[data-testid=trials-table] tbody tr');
    await rows.first().waitFor({ timeout: 30_000 });
    const firstCount = await rows.count();
    assert.ok(firstCount >= 1 && firstCount <= 6);
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=trials-table] tbody [data-testid=trial-state][data-state=complete]').length === 6,
      null,
      { timeout: 120_000 },
    );
    await page.getByTestId('study-state').and(page.locator('[data-state=completed]')).waitFor({ timeout: 20_000 });

    // The best trial, as the API has it, is highlighted and linked.
    const trials = (await api('GET', `/api/v1/studies/${studyId}/trials`)).trials;
    assert.equal(trials.length, 6);
    const best = trials.reduce((a, b) => (b.value < a.value ? b : a));
    const bestRow = page.locator(`[data-testid=trials-table] tr[data-trial="${best.number}"]`);
    assert.equal(await bestRow.getAttribute('data-best'), 'true');
    assert.match(await page.getByTestId('best-trial').innerText(), new RegExp(`trial ${best.number} = ${best.value}`));

    // Plots are drawn (as SVG, so their labels are text in the page).
    for (const id of ['plot-history', 'plot-importance', 'plot-parallel', 'plot-contour']) {
      await page.locator(`[data-testid=${id}] svg`).first().waitFor();
      const shapes = await page.waitForFunction(
        (sel) => document.querySelectorAll(`${sel} svg path, ${sel} svg rect`).length > 10 && document.querySelectorAll(`${sel} svg path, ${sel} svg rect`).length,
        `[data-testid=${id}]`,
      );
      assert.ok((await shapes.jsonValue()) > 10, `${id} drawn`);
    }
    await shot('studies-page.png');

    // The best run's evaluation.
    await page.getByTestId('best-run-link').click();
    await page.waitForURL(new RegExp(`/runs/${best.run_id}`));
    // It opens on the Evaluation tab: the stored evaluation's metrics (regression, 3 rows).
    const rmse = page.locator('[data-testid=eval-metrics] tr', { has: page.locator('td', { hasText: /^rmse$/ }) });
    await rmse.first().waitFor();
    assert.match(await page.getByTestId('eval-metrics').innerText(), /regression|rmse/);
    await shot('studies-best-run-evaluation.png');
    // The Overview tab has the run's logged metrics: the evaluation's and the trial's loss.
    await page.getByRole('tab', { name: /Overview|개요/ }).click();
    const evalRow = page.locator('tr', { has: page.locator('td', { hasText: /^eval_rmse$/ }) });
    await evalRow.first().waitFor();
    await page.locator('td', { hasText: /^loss$/ }).first().waitFor();
    await shot('studies-best-run.png');
    assert.deepEqual(pageErrors, []);
  } catch (e) {
    await shot('studies-failure.png').catch(() => {});
    throw e;
  }
});

// AutoML by name: the same form with "Built-in trainers": two XGBoost trainers over a split
// version of a small table, no command and no space typed; every trial is `moebius train
// xgboost` and the best run's evaluation is the trainer's test evaluation.
test('studies UI: AutoML with built-in trainers on a data version', { timeout: 240_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'studies-automl', { args: ['--workers', '2'] });
  const { api, token } = await adminClient(server.base, password);
  await api('POST', '/api/v1/projects', { name: PROJECT, display_name: 'Study UI project' });
  await api('POST', `/api/v1/projects/${PROJECT}/experiments`, { name: 'tune' });
  await api('POST', `/api/v1/projects/${PROJECT}/datasets`, { name: 'table', domain: 'tabular' });
  // 300 rows, y = 1 when a + b > 1 (with a deterministic pseudo-random a, b).
  let csv = 'a,b,c,y\n';
  for (let i = 0; i < 300; i++) {
    const a = ((i * 37) % 101) / 100;
    const b = ((i * 53) % 97) / 96;
    csv += `${a},${b},${(i * 7) % 5},${a + b > 1 ? 1 : 0}\n`;
  }
  const up = `/api/v1/projects/${PROJECT}/datasets/table/uploads`;
  const { upload } = await api('POST', up, {});
  const res = await fetch(`${server.base}${up}/${upload.id}/parts/1`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
    body: csv,
  });
  assert.equal(res.status, 200, await res.text());
  await api('POST', `${up}/${upload.id}/complete`, { format: 'file', filename: 'table.csv' });
  await api('POST', `/api/v1/projects/${PROJECT}/datasets/table/versions`, { status: 'raw', rounds: [1] });
  await api('POST', `/api/v1/projects/${PROJECT}/datasets/table/versions`, {
    status: 'split',
    from_version: 'v1',
    split: { method: 'stratified', ratios: { train: 0.7, val: 0.15, test: 0.15 }, seed: 1, label: 'y' },
  });
  const { page, pageErrors, shot } = await openPage();
  try {
    await loginInBrowser(page, server.base, password);
    await page.goto(`${server.base}/projects/${PROJECT}?tab=studies`);
    await page.getByRole('button', { name: 'New study' }).click();
    const form = page.getByTestId('study-form');
    await form.locator('input[name=study-name]').fill('automl');
    await form.locator('button[name=study-source-trainers]').click();
    assert.equal(await form.locator('input[name=study-metric]').inputValue(), 'valid_score');
    await form.locator('input[name=study-trials]').fill('4');
    await form.locator('input[name=trainer-xgboost]').check();
    await form.locator('input[name=trainer-xgboost_linear]').check();
    await form.locator('select[name=study-dataset]').selectOption('table');
    await form.locator('input[name=study-version]').fill('2');
    await form.locator('input[name=study-label]').fill('y');
    // The text trainer takes a text column: its field appears with it, and an empty one is named.
    assert.equal(await form.locator('input[name=study-text]').count(), 0);
    await form.locator('input[name=trainer-text]').check();
    await form.locator('input[name=study-text]').waitFor();
    await form.getByRole('button', { name: 'Start study' }).click();
    await form.getByText('Name the text column.').waitFor();
    await form.locator('input[name=trainer-text]').uncheck();
    assert.equal(await form.locator('input[name=study-text]').count(), 0);
    await shot('studies-automl-form.png');
    await form.getByRole('button', { name: 'Start study' }).click();
    await page.waitForURL(/\/studies\/\d+$/);
    const studyId = page.url().split('/').pop();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=trials-table] tbody [data-testid=trial-state][data-state=complete]').length === 4,
      null,
      { timeout: 180_000 },
    );
    const trials = (await api('GET', `/api/v1/studies/${studyId}/trials`)).trials;
    assert.ok(trials.every((x) => ['xgboost', 'xgboost_linear'].includes(x.params.algorithm)));
    const best = trials.reduce((a, b) => (b.value < a.value ? b : a));
    await page.getByTestId('best-run-link').click();
    await page.waitForURL(new RegExp(`/runs/${best.run_id}`));
    await page.locator('[data-testid=eval-metrics] tr', { has: page.locator('td', { hasText: /^roc_auc$/ }) }).first().waitFor();
    await shot('studies-automl-best-run.png');
    assert.deepEqual(pageErrors, []);
  } catch (e) {
    await shot('studies-automl-failure.png').catch(() => {});
    throw e;
  }
});
