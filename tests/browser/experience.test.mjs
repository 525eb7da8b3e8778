// End-to-end tests of the experiment experience (issue 17):
//
//   node --test tests/browser/experience.test.mjs
//
// 1. A run of the platform's own trainer against its task's criteria: `moebius train xgboost` as
//    a job on a split version; the task names `test.f1 >= 0.5 and perf.latency_p99_ms <= 1000`
//    and the run passes them; a second task with the old names (`f1`, `p99_latency_ms`) shows
//    the logged names close to each. The run page draws charts only for series logged at more
//    than one step (train and valid logloss on one chart), lists every single value in a
//    searchable, sortable table, keeps pinned charts first across a reload, and previews the
//    model's signature; a failed job shows its reason (the exception line of its log) on the
//    run's header, the job's header and in the jobs table.
// 2. Lineage, diffs and study plots: a 6-trial study, a pipeline step and a job whose own process
//    creates its run all read a data version, and all of them are on the version's page and in
//    the dataset's lineage. On the study page (in Korean): the contour's colour bar reads the
//    objective's numbers (0.31–0.40, not "0" at both ends), an int parameter's ticks are whole
//    numbers, the importance chart's labels are not clipped, and the "완료" chips do not wrap.
//    A diff of two versions of a table shows its rows added, removed and changed.
// Screenshots go to tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, browserSession, loginInBrowser } from './harness.mjs';

const PROJECT = 'exp-ui';

async function waitFor(what, fn, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A project with a 300-row table: v1 raw, v2 split 70/15/15 on y. */
async function seedTable(server, api, token) {
  await api('POST', '/api/v1/projects', { name: PROJECT, display_name: 'Experience UI' });
  await api('POST', `/api/v1/projects/${PROJECT}/datasets`, { name: 'table', domain: 'tabular' });
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
}

async function waitJob(api, id, timeoutMs = 180_000) {
  return waitFor(`job ${id}`, async () => {
    const { job } = await api('GET', `/api/v1/jobs/${id}`);
    return ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(job.state) ? job : null;
  }, timeoutMs);
}

const TRAIN = ['moebius', 'train', 'xgboost', '--data', 'data/table', '--label', 'y', '--task', 'binary', '--rounds', '15', '--threads', '1'];

test('experience: criteria pass a trained run, run page charts and table, failure reasons', { timeout: 300_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'experience-run', { args: ['--workers', '2'] });
  const { api, token } = await adminClient(server.base, password);
  await seedTable(server, api, token);
  await api('POST', `/api/v1/projects/${PROJECT}/tasks`, {
    name: 'churn', domain: 'tabular', problem_type: 'classification', primary_metric: 'test.f1',
    acceptance_criteria: 'test.f1 >= 0.5 and perf.latency_p99_ms <= 1000',
  });
  await api('POST', `/api/v1/projects/${PROJECT}/tasks`, {
    name: 'old-names', domain: 'tabular', problem_type: 'classification', acceptance_criteria: 'f1 >= 0.5 and p99_latency_ms <= 1000',
  });
  const trained = (await api('POST', `/api/v1/projects/${PROJECT}/jobs`, {
    name: 'train', experiment: 'train', run_name: 'xgb', payload: { command: TRAIN, data: [{ dataset: 'table', version: 2 }] },
  })).job;
  const failing = (await api('POST', `/api/v1/projects/${PROJECT}/jobs`, {
    name: 'broken', experiment: 'train', run_name: 'broken',
    payload: { command: ['python3', '-c', "print('reading data/table'); raise ValueError('label column y has text values')"] },
  })).job;
  const done = await waitJob(api, trained.id);
  assert.equal(done.state, 'succeeded', done.error);
  const broken = await waitJob(api, failing.id);
  assert.equal(broken.state, 'failed');
  assert.equal(broken.error, 'exited with status 1: ValueError: label column y has text values');

  const { page, pageErrors, shot } = await openPage();
  try {
    await loginInBrowser(page, server.base, password);

    // ---- Bug 1: the task's criteria pass a run of the platform's trainer.
    await page.goto(`${server.base}/runs/${trained.run_id}?tab=evaluation`);
    const card = page.getByTestId('confirm-card');
    await card.locator('select').selectOption('churn');
    await card.getByTestId('criteria-result').getByText('criteria met').waitFor();
    assert.match(await card.innerText(), /test\.f1 >= 0\.5 \(logged as test_f1\)/);
    await shot('experience-criteria-pass.png');
    // Old names: each missing name comes with the logged names close to it.
    await card.locator('select').selectOption('old-names');
    await card.getByTestId('criteria-result').getByText('criteria not met').waitFor();
    const missing = card.getByTestId('missing-metrics');
    assert.match(await missing.locator('li[data-metric=f1]').getAttribute('data-close'), /^test_f1\b/);
    assert.equal(await missing.locator('li[data-metric=p99_latency_ms]').getAttribute('data-close'), 'perf.latency_p99_ms');
    assert.match(await missing.innerText(), /f1 is not logged by this run; logged names close to it: test_f1/);
    await shot('experience-criteria-close-names.png');

    // ---- Item 4: charts only for multi-step series, grouped; single values in a table.
    await page.goto(`${server.base}/runs/${trained.run_id}`);
    const charts = page.locator('[data-testid=metric-chart]');
    await charts.first().waitFor();
    const ids = await charts.evaluateAll((els) => els.map((e) => e.getAttribute('data-chart')));
    assert.deepEqual(ids, ['group:logloss'], `one chart, train and valid logloss together: ${ids}`);
    assert.equal(await charts.first().getAttribute('data-keys'), 'train-logloss,valid-logloss');
    const table = page.getByTestId('metrics-table');
    const rowCount = await table.locator('tbody tr').count();
    assert.ok(rowCount > 20, `every value is in the table (${rowCount} rows)`);
    await table.locator('tr[data-metric=test_f1]').waitFor();
    // Params and artifacts come before the charts.
    const order = await page.evaluate(() =>
      ['run-params', 'run-artifacts', 'run-curves', 'run-metrics'].map((id) => document.querySelector(`[data-testid=${id}]`)?.getBoundingClientRect().top ?? -1),
    );
    assert.ok(order[0] >= 0 && order[0] < order[2] && order[1] < order[2], `params and artifacts above the charts: ${order}`);
    // Search and sort.
    await page.locator('input[name=metric-search]').fill('test f1');
    const shownKeys = () => table.locator('tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-metric')));
    await waitFor('filtered rows', async () => (await shownKeys()).every((k) => k.includes('test') && k.includes('f1')));
    const f1Keys = await shownKeys();
    assert.equal(f1Keys[0], 'test_f1');
    assert.ok(f1Keys.length >= 2 && f1Keys.length < rowCount, `filtered: ${f1Keys}`);
    await page.locator('input[name=metric-search]').fill('perf.latency');
    await table.locator('button[data-sort=value]').click(); // descending first for values
    const perf = await table.locator('tbody tr').evaluateAll((rs) => rs.map((r) => Number(r.querySelector('td[title]').getAttribute('title'))));
    assert.ok(perf.length >= 3 && perf.every((v, i) => i === 0 || perf[i - 1] >= v), `sorted by value, descending: ${perf}`);
    await page.locator('input[name=metric-search]').fill('');
    // Pin the chart; it stays pinned after a reload.
    await charts.first().locator('button.pin-button').click();
    await page.reload();
    await page.locator('[data-testid=metric-chart] button.pin-button[aria-pressed=true]').waitFor();
    await page.getByRole('heading', { name: 'Pinned' }).waitFor();
    // Run context: the data version read, linked, and the job.
    const context = page.getByTestId('run-context');
    await context.getByRole('link', { name: `${PROJECT}/table@v2` }).waitFor();
    await context.getByTestId('run-job-link').waitFor();
    // Artifact preview: the model's signature as a table.
    const artifacts = page.getByTestId('run-artifacts');
    await artifacts.getByRole('button', { name: /^model\/$/ }).click();
    await artifacts.locator('tr[data-artifact="model/signature.json"] [data-testid=artifact-open]').click();
    await page.getByTestId('artifact-signature').locator('tr[data-section=input]', { hasText: 'a' }).first().waitFor();
    await shot('experience-run-page.png');

    // ---- Item 5: failure reasons up front.
    await page.goto(`${server.base}/runs/${broken.run_id}`);
    assert.match(await page.getByTestId('run-failure-reason').innerText(), /ValueError: label column y has text values/);
    await page.goto(`${server.base}/jobs/${broken.id}`);
    assert.match(await page.getByTestId('job-error-text').innerText(), /Why it failed: ValueError: label column y has text values \(exit status 1\)/);
    await page.goto(`${server.base}/projects/${PROJECT}?tab=jobs`);
    const reason = page.locator(`[data-testid=jobs-table] tr[data-job="${broken.id}"] [data-testid=job-reason]`);
    assert.equal(await reason.innerText(), 'ValueError: label column y has text values');
    await shot('experience-jobs-reason.png');

    // ---- Item 8: from the failed run, run its job again with changes: the form comes filled
    // (command, experiment), the command is fixed, and the new job's run lands in the same experiment.
    await page.goto(`${server.base}/runs/${broken.run_id}`);
    await page.getByTestId('run-rerun').click();
    await page.waitForURL(new RegExp(`/jobs/${broken.id}\\?clone=1`));
    const form = page.getByTestId('job-form');
    assert.match(await form.locator('textarea[name=job-command]').inputValue(), /raise ValueError/);
    assert.equal(await form.locator('input[name=job-experiment]').inputValue(), String(broken.payload.experiment_id));
    await form.locator('textarea[name=job-command]').fill(`python3 -c "print('fixed')"`);
    await form.locator('input[name=job-run-name]').fill('fixed');
    await form.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.waitForURL((u) => /\/jobs\/\d+$/.test(u.pathname) && !u.pathname.endsWith(`/${broken.id}`));
    const cloneId = Number(page.url().split('/').pop());
    const clone = await waitJob(api, cloneId);
    assert.equal(clone.state, 'succeeded', clone.error);
    const cloneRun = (await api('GET', `/api/v1/runs/${clone.run_id}`)).run;
    assert.equal(cloneRun.info.run_name, 'fixed');
    assert.equal(cloneRun.info.experiment_id, broken.payload.experiment_id);
    // Run again, as it was: the trained job, with its data version.
    await page.goto(`${server.base}/jobs/${trained.id}`);
    await page.getByTestId('job-rerun').click();
    await page.waitForURL((u) => /\/jobs\/\d+$/.test(u.pathname) && !u.pathname.endsWith(`/${trained.id}`));
    const again = (await api('GET', `/api/v1/jobs/${page.url().split('/').pop()}`)).job;
    assert.deepEqual(again.payload.command, TRAIN);
    assert.deepEqual(again.payload.data.map((d) => `${d.dataset}@${d.version}`), ['table@2']);
    assert.ok(again.run_id && again.run_id !== trained.run_id, 'a new run');
    assert.deepEqual(pageErrors, []);
  } catch (e) {
    await shot('experience-run-failure.png').catch(() => {});
    throw e;
  }
});

// A trial: loss from 0.31 to 0.40 over the two parameters, logged at three steps.
const TRIAL =
  'import json,os,time,urllib.request as u;e=os.environ;p=json.loads(e["MOEBIUS_PARAMS_JSON"]);' +
  'assert os.path.isdir("data/table"),"no data";' +
  'L=0.31+0.09*(0.5*(p["max_depth_of_every_tree"]-2)/18+0.5*(p["lr"]-1)/4);r=e["MLFLOW_RUN_ID"];' +
  '[u.urlopen(u.Request(e["MLFLOW_TRACKING_URI"]+"/api/2.0/mlflow/runs/log-metric",data=json.dumps({"run_id":r,"key":"loss","value":L+0.01*(2-s),' +
  '"timestamp":int(time.time()*1000),"step":s}).encode(),headers={"Authorization":"Bearer "+e["MLFLOW_TRACKING_TOKEN"],' +
  '"Content-Type":"application/json"})).read() for s in range(3)]';

const COUNT =
  'import os,sys;f=[os.path.join(d,x) for d,_,fs in os.walk(sys.argv[1]) for x in fs if x.endswith(".csv")];' +
  'open(sys.argv[2],"w").write(str(sum(len(open(x).read().splitlines())-1 for x in f)))';

test('experience: every run that read a version is on its page; study plots read right', { timeout: 300_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'experience-lineage', { args: ['--workers', '2'] });
  const { api, token } = await adminClient(server.base, password);
  await seedTable(server, api, token);
  await api('POST', `/api/v1/projects/${PROJECT}/experiments`, { name: 'tune' });

  // A study whose trials read v1 through payload.data.
  const study = (await api('POST', `/api/v1/projects/${PROJECT}/studies`, {
    name: 'depth', experiment: 'tune',
    objective: { metric: 'loss', goal: 'minimize' },
    space: { params: [
      { name: 'max_depth_of_every_tree', type: 'int', low: 2, high: 20 },
      { name: 'lr', type: 'float', low: 1, high: 5 },
    ] },
    sampler: { type: 'random', seed: 3 },
    n_trials: 6, parallelism: 2,
    trial: { command: ['python3', '-c', TRIAL], data: [{ dataset: 'table', version: 1 }], max_attempts: 1 },
  })).study;
  // A pipeline step that reads v1.
  await api('POST', `/api/v1/projects/${PROJECT}/components`, {
    name: 'count', kind: 'preprocess', command: ['python3', '-c', COUNT, '{inputs.rows}', '{outputs.n}'],
    inputs: [{ name: 'rows', type: 'dir' }], outputs: [{ name: 'n' }],
  });
  await api('POST', `/api/v1/projects/${PROJECT}/pipelines`, {
    name: 'counted', steps: [{ name: 'count', component: 'count', inputs: { rows: { dataset: 'table', version: 1 } } }],
  });
  const pipe = (await api('POST', `/api/v1/projects/${PROJECT}/pipelines/counted/runs`, {})).run;
  // A job whose own process (the trainer, without MLFLOW_RUN_ID) creates the run that reads v1.
  const own = (await api('POST', `/api/v1/projects/${PROJECT}/jobs`, {
    name: 'own-run',
    payload: { command: [...TRAIN, '--experiment', 'own', '--project', PROJECT, '--run-name', 'made-by-the-trainer'], data: [{ dataset: 'table', version: 2 }] },
  })).job;

  const finished = await waitFor('the study', async () => {
    const s = (await api('GET', `/api/v1/studies/${study.id}`)).study;
    return ['completed', 'failed', 'stopped'].includes(s.state) ? s : null;
  }, 200_000);
  assert.equal(finished.state, 'completed', JSON.stringify(finished));
  const trials = (await api('GET', `/api/v1/studies/${study.id}/trials`)).trials;
  assert.equal(trials.filter((x) => x.state === 'complete').length, 6);
  const pipeDone = await waitFor('the pipeline', async () => {
    const r = (await api('GET', `/api/v1/pipeline-runs/${pipe.id}`)).run;
    return r.state !== 'running' ? r : null;
  });
  assert.equal(pipeDone.state, 'succeeded', JSON.stringify(pipeDone));
  const step = pipeDone.steps.find((s) => s.name === 'count');
  const ownDone = await waitJob(api, own.id);
  assert.equal(ownDone.state, 'succeeded', ownDone.error);
  // v3: the table again under the same name, with an id column, one row changed, one removed,
  // two added and a column added (for the row-level diff of v3 against v4's parent, below).
  const table = (rows, extra) =>
    'id,a,b,c,y' + (extra ? ',region' : '') + '\n' + rows.map((r) => r.join(',') + (extra ? ',north' : '') + '\n').join('');
  const base = Array.from({ length: 30 }, (_, i) => [`r${i}`, i, (i * 7) % 5, i % 3, i % 2]);
  const next = base.filter((r) => r[0] !== 'r4').map((r) => (r[0] === 'r2' ? [r[0], 99, r[2], r[3], r[4]] : r));
  next.push(['r100', 1, 1, 1, 1], ['r101', 2, 2, 2, 0]);
  for (const [i, body] of [[2, table(base, false)], [3, table(next, true)]]) {
    const up = `/api/v1/projects/${PROJECT}/datasets/table/uploads`;
    const { upload } = await api('POST', up, {});
    const r = await fetch(`${server.base}${up}/${upload.id}/parts/1`, {
      method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' }, body,
    });
    assert.equal(r.status, 200, await r.text());
    await api('POST', `${up}/${upload.id}/complete`, { format: 'file', filename: 'ids.csv' });
    await api('POST', `/api/v1/projects/${PROJECT}/datasets/table/versions`, { status: 'raw', rounds: [i] });
  }

  const { page, pageErrors, shot } = await openPage();
  try {
    await loginInBrowser(page, server.base, password);
    // ---- Bug 2: the version's page lists the six trials and the step; v2's lists the trainer's run.
    await page.goto(`${server.base}/projects/${PROJECT}/datasets/table/versions/1`);
    const runsCard = page.getByTestId('version-runs');
    await runsCard.getByRole('link', { name: 'depth-0' }).waitFor();
    const names = await runsCard.locator('tbody tr td:first-child').allInnerTexts();
    for (let i = 0; i < 6; i++) assert.ok(names.includes(`depth-${i}`), `trial ${i} on v1's page: ${names}`);
    assert.ok(names.includes('counted/count'), `the pipeline step on v1's page: ${names}`);
    assert.ok(trials.every((x) => x.run_id) && step.run_id);
    await shot('experience-version-runs.png');
    await page.goto(`${server.base}/projects/${PROJECT}/datasets/table/versions/2`);
    await page.getByTestId('version-runs').getByRole('link', { name: 'made-by-the-trainer' }).waitFor();
    // And the dataset's lineage.
    await page.goto(`${server.base}/projects/${PROJECT}/datasets/table?tab=lineage`);
    const lineageRuns = page.getByTestId('lineage-runs');
    await lineageRuns.getByRole('link', { name: 'counted/count' }).waitFor();
    await lineageRuns.getByRole('link', { name: 'depth-5' }).waitFor();
    await lineageRuns.getByRole('link', { name: 'made-by-the-trainer' }).waitFor();

    // ---- Item 9: the diff of v3 and v4 (ids.csv modified) opens on the modified files and
    // shows the rows added, removed and changed, and the column added.
    await page.goto(`${server.base}/projects/${PROJECT}/datasets/table/diff?from=v3&to=v4`);
    const td = page.locator('[data-testid=table-diff][data-path="ids.csv"]');
    await td.waitFor();
    const count = async (k) => (await td.getByTestId(`table-diff-count-${k}`).locator('strong').innerText()).trim();
    assert.deepEqual([await count('added'), await count('removed'), await count('changed'), await count('unchanged')], ['2', '1', '1', '28']);
    assert.match(await td.getByTestId('table-diff-columns').innerText(), /Columns added: region/);
    await td.locator('[data-testid=table-diff-changed] tr[data-key=r2][data-column=a]').waitFor();
    assert.match(await td.getByTestId('table-diff-removed').innerText(), /r4/);
    assert.equal(await page.getByRole('tab', { selected: true }).innerText(), 'Modified (1)');
    await shot('experience-table-diff.png');

    // ---- Item 6: the experiment's runs table nests the trials under the study's run.
    await page.goto(`${server.base}/projects/${PROJECT}/experiments/${finished.experiment_id}`);
    const parentRow = page.locator(`[role=row][data-run="${finished.parent_run_id}"]`);
    await parentRow.waitFor();
    assert.equal(await page.locator('[role=row][data-depth="1"]').count(), 0, 'children start collapsed');
    await parentRow.getByTestId('run-origin').waitFor();
    assert.equal(await parentRow.getByTestId('run-origin').getAttribute('href'), `/studies/${study.id}`);
    await parentRow.getByTestId('run-children-toggle').click();
    await waitFor('six child rows', async () => (await page.locator('[role=row][data-depth="1"]').count()) === 6);
    // Default columns: the objective first, then the params that vary.
    const headers = await page.locator('[role=columnheader]').allInnerTexts();
    const firstDyn = headers.findIndex((h) => /loss/.test(h));
    assert.ok(firstDyn > 0 && headers.slice(firstDyn).some((h) => /max_depth_of_every_tree/.test(h)) && headers.some((h) => /\blr\b/.test(h)), `columns: ${headers}`);
    // Select all: the parallel coordinates and scatter of the selected runs.
    await page.locator('input[name=select-all]').check();
    await page.getByTestId('selected-parallel').locator('canvas').waitFor();
    await page.getByTestId('selected-scatter').locator('canvas').waitFor();
    await shot('experience-nested-runs.png');

    // ---- Bug 3: the study's plots, in Korean.
    await page.goto(`${server.base}/studies/${study.id}`);
    await page.getByRole('button', { name: '한국어' }).click();
    for (const id of ['plot-history', 'plot-importance', 'plot-parallel', 'plot-contour', 'plot-slice-max_depth_of_every_tree'])
      await page.locator(`[data-testid="${id}"] svg text`).first().waitFor();
    // Texts of one chart's SVG with their boxes, relative to the SVG.
    const texts = (id) =>
      page.evaluate((sel) => {
        const svg = document.querySelector(`[data-testid="${sel}"] svg`);
        const box = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text')].map((el) => {
          const r = el.getBoundingClientRect();
          return { text: el.textContent.trim(), left: r.left - box.left, right: r.right - box.left, top: r.top - box.top, height: box.height, width: box.width };
        });
      }, id);
    // The contour's colour bar: the objective's numbers, not 0 at both ends.
    const contour = await texts('plot-contour');
    const inRange = [...new Set(contour.map((x) => Number(x.text)).filter((v) => Number.isFinite(v) && v >= 0.3 && v <= 0.41))];
    assert.ok(inRange.length >= 2, `the colour bar shows the objective's span: ${contour.map((x) => x.text).join(' | ')}`);
    // The int parameter: whole-number ticks on the slice and contour axes.
    const slice = await texts('plot-slice-max_depth_of_every_tree');
    // x-axis labels: below the plot, right of the y-axis labels (the grid starts 56 px in).
    const xTicks = slice.filter((x) => x.top > x.height * 0.8 && x.left > 50 && /^-?[\d.]+$/.test(x.text)).map((x) => x.text);
    assert.ok(xTicks.length >= 2, `slice x ticks: ${slice.map((x) => `${x.text}@${Math.round(x.top)}`).join(' ')}`);
    assert.ok(xTicks.every((v) => Number.isInteger(Number(v))), `int ticks are whole numbers: ${xTicks}`);
    const contourX = contour.filter((x) => x.top > x.height * 0.8 && x.left > 66 && x.right < x.width - 80 && /^-?[\d.]+$/.test(x.text)).map((x) => x.text);
    assert.ok(contourX.length >= 2 && contourX.every((v) => Number.isInteger(Number(v))), `contour x ticks: ${contourX}`);
    // Importance: the long parameter name is whole and inside the chart.
    const importance = await texts('plot-importance');
    const label = importance.find((x) => x.text === 'max_depth_of_every_tree');
    assert.ok(label, `the importance label is whole: ${importance.map((x) => x.text).join(' | ')}`);
    assert.ok(label.left >= 0 && label.right <= label.width, `the importance label is not clipped: ${JSON.stringify(label)}`);
    // The "완료" chips stay on one line, at a phone's width too.
    await page.setViewportSize({ width: 390, height: 900 });
    const chips = page.locator('[data-testid=trials-table] [data-testid=trial-state]');
    await chips.first().waitFor();
    assert.equal((await chips.first().innerText()).trim(), '완료');
    // One line of 11.5 px text with its padding is about 1.4 font sizes tall; two lines are 2.6.
    const heights = await chips.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).fontSize)));
    assert.ok(heights.every((h) => h < 2), `chips on one line: ${heights}`);
    await shot('experience-study-ko.png');
    assert.deepEqual(pageErrors, []);
  } catch (e) {
    await shot('experience-lineage-failure.png').catch(() => {});
    throw e;
  }
});
