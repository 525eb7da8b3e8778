// End-to-end test of pipelines in the UI (EXP-3), with the server's embedded workers running the
// steps for real.
//
//   node --test tests/browser/pipelines.test.mjs
//
// Over the API: three components (prep writes a CSV, train reads it and writes a model, evaluate
// reads both) and a pipeline wiring them. In chromium: project → Components tab lists them →
// Pipelines tab → Run → a mistyped parameter is refused by the form → Start run → the run page
// draws the DAG (three nodes, two layers of edges) and the nodes turn green (succeeded) by
// themselves as the workers finish → a step's detail shows its input hash → run again with the
// same parameters: every node is "cached" and no job was queued → Korean labels.
// Screenshots go to tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, browserSession, loginInBrowser } from './harness.mjs';

const PROJECT = 'pipes-ui';

const PREP = "import sys\nrows, out = int(sys.argv[1]), sys.argv[2]\nopen(out, 'w').write('x,y\\n' + ''.join('%d,%d\\n' % (i, 3 * i) for i in range(rows)))\n";
const TRAIN =
  "import sys, time\ntime.sleep(1)\nlines = open(sys.argv[1]).read().splitlines()[1:]\nopen(sys.argv[2], 'w').write('rows=%d' % len(lines))\n";
const EVALUATE = "import sys\nprint(open(sys.argv[1]).read().count('\\n'), open(sys.argv[2]).read())\nopen(sys.argv[3], 'w').write('ok')\n";

test('pipelines UI: run a pipeline and watch its DAG turn green, then cached', { timeout: 240_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'pipelines', { args: ['--workers', '2'] });
  const { api } = await adminClient(server.base, password);
  await api('POST', '/api/v1/projects', { name: PROJECT, display_name: 'Pipelines UI project' });
  const components = [
    { name: 'prep', kind: 'preprocess', command: ['python3', '-c', PREP, '{rows}', '{outputs.table}'],
      parameters: [{ name: 'rows', type: 'int', default: 5 }], outputs: [{ name: 'table' }] },
    { name: 'train', kind: 'train', command: ['python3', '-c', TRAIN, '{inputs.table}', '{outputs.model}'],
      inputs: [{ name: 'table' }], outputs: [{ name: 'model' }] },
    { name: 'evaluate', kind: 'evaluate', command: ['python3', '-c', EVALUATE, '{inputs.table}', '{inputs.model}', '{outputs.report}'],
      inputs: [{ name: 'table' }, { name: 'model' }], outputs: [{ name: 'report' }] },
  ];
  for (const c of components) await api('POST', `/api/v1/projects/${PROJECT}/components`, c);
  await api('POST', `/api/v1/projects/${PROJECT}/pipelines`, {
    name: 'linear',
    description: 'prep, train, evaluate',
    parameters: [{ name: 'rows', type: 'int', default: 5 }],
    steps: [
      { name: 'prep', component: 'prep', params: { rows: '{{pipeline.params.rows}}' } },
      { name: 'train', component: 'train', inputs: { table: 'prep.outputs.table' } },
      { name: 'evaluate', component: 'evaluate', inputs: { table: 'prep.outputs.table', model: 'train.outputs.model' } },
    ],
  });
  const jobCount = async () => (await api('GET', `/api/v1/projects/${PROJECT}/jobs`)).jobs.length;

  const { page, pageErrors, shot } = await openPage();
  const nodeStates = () =>
    page.locator('[data-testid=pipeline-dag] g[data-step]').evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-step'), g.getAttribute('data-state')]));
  try {
    await loginInBrowser(page, server.base, password);
    await page.goto(`${server.base}/projects/${PROJECT}`);
    await page.getByRole('tab', { name: 'Components' }).click();
    await page.waitForURL(/tab=components/);
    const comps = page.getByTestId('components-table');
    await comps.waitFor();
    assert.deepEqual(await comps.locator('tr[data-component]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-component'))), [
      'evaluate',
      'prep',
      'train',
    ]);
    assert.match(await comps.locator('tr[data-component=prep]').innerText(), /rows: int = 5/);

    await page.getByRole('tab', { name: 'Pipelines' }).click();
    await page.waitForURL(/tab=pipelines/);
    const row = page.locator('[data-testid=pipelines-table] tr[data-pipeline=linear]');
    assert.match(await row.innerText(), /prep → train → evaluate/);
    await page.getByTestId('pipelines').getByText('No pipeline runs yet.').waitFor();
    await row.getByRole('button', { name: 'Run' }).click();
    const form = page.getByTestId('pipeline-run-form');
    await form.locator('input[name=param-rows]').fill('seven');
    await form.getByRole('button', { name: 'Start run' }).click();
    assert.equal((await form.getByTestId('pipeline-form-problem').innerText()).trim(), 'rows must be a whole number.');
    await form.locator('input[name=param-rows]').fill('7');
    await form.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/pipeline-runs\/1$/);

    // The DAG: three nodes in three layers, two edges into evaluate.
    const dag = page.getByTestId('pipeline-dag');
    await dag.waitFor();
    assert.equal(await dag.locator('g[data-step]').count(), 3);
    assert.equal(await dag.locator('path.dag-edge').count(), 3);
    const xs = await dag.locator('g[data-step]').evaluateAll((gs) => gs.map((g) => g.getBoundingClientRect().x));
    assert.ok(xs[0] < xs[1] && xs[1] < xs[2], `layers run left to right: ${xs}`);
    // Nodes change colour by themselves while the workers run the steps.
    const seen = new Set();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const states = await nodeStates();
      for (const [, s] of states) seen.add(s);
      if (states.every(([, s]) => s === 'succeeded')) break;
      assert.ok(!states.some(([, s]) => s === 'failed' || s === 'skipped'), `a step failed: ${JSON.stringify(states)}`);
      assert.ok(Date.now() < deadline, `steps did not finish: ${JSON.stringify(states)}`);
      await page.waitForTimeout(200);
    }
    assert.ok(seen.has('running') || seen.has('queued') || seen.has('pending'), `saw the run in progress: ${[...seen]}`);
    await page.locator('.page-head [data-testid=pipeline-state][data-state=succeeded]').waitFor();
    const fill = await dag.locator('g[data-step=train] rect').evaluate((r) => getComputedStyle(r).fill);
    assert.equal(fill, 'rgb(230, 246, 236)', 'a succeeded node is green');
    await shot('pipelines-succeeded.png');
    // Each step links to its job's log and its run; the detail shows its inputs.
    const trainRow = page.locator('[data-testid=pipeline-steps] tr[data-step-row=train]');
    assert.match(await trainRow.getByRole('link').first().getAttribute('href'), /^\/jobs\/\d+$/);
    assert.match(await trainRow.getByRole('link').nth(1).getAttribute('href'), /^\/runs\/[0-9a-f]{32}$/);
    await dag.locator('g[data-step=evaluate]').click();
    const detail = page.getByTestId('pipeline-step-detail');
    assert.match(await detail.innerText(), /table ← prep\.outputs\.table [0-9a-f]{12}/);
    assert.match(await detail.innerText(), /model ← train\.outputs\.model [0-9a-f]{12}/);
    assert.equal(await jobCount(), 3);

    // Same parameters again: all cached, no job queued.
    await page.goto(`${server.base}/projects/${PROJECT}?tab=pipelines`);
    await page.locator('[data-testid=pipeline-runs-table] tr[data-run="1"]').getByText('3 Succeeded').waitFor();
    await page.locator('[data-testid=pipelines-table] tr[data-pipeline=linear]').getByRole('button', { name: 'Run' }).click();
    await page.getByTestId('pipeline-run-form').locator('input[name=param-rows]').fill('7');
    await page.getByTestId('pipeline-run-form').getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/pipeline-runs\/2$/);
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid=pipeline-dag] g[data-step]')].map((g) => g.getAttribute('data-state')).join() === 'cached,cached,cached',
    );
    assert.match(await page.locator('[data-testid=pipeline-steps] tr[data-step-row=prep]').innerText(), /from run 1\/prep/);
    assert.equal(await jobCount(), 3, 'cached steps queue no jobs');
    await shot('pipelines-cached.png');

    // Korean labels.
    await page.getByRole('button', { name: '한국어' }).click();
    await page.locator('[data-testid=pipeline-steps] [data-testid=pipeline-state]').first().getByText('캐시됨').waitFor();
    assert.deepEqual(pageErrors, [], 'no uncaught page errors');
  } catch (e) {
    await shot('pipelines-failure.png').catch(() => {});
    throw new Error(`${e.message}\n--- server log ---\n${server.logs.join('').slice(-4000)}`, { cause: e });
  }
});
