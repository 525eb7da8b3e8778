// End-to-end test of the web UI against the real server.
//
//   node --test tests/browser/
//
// Starts `moebius server` on a fresh data directory and port 0, seeds a project, an experiment
// and runs (one with a 5000-point metric history) through the REST and MLflow-compatible APIs,
// then drives Debian's chromium through login → project → experiment → run → charts → language
// switch → compare. Screenshots go to tests/browser/out/. MOEBIUS_BIN overrides the binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { browserSession, client, paintedPixels } from './harness.mjs';

const HISTORY_POINTS = 5000;
const BATCH = 990; // MLflow caps a batch at 1000 entities, params included
const MANY_RUNS = 450;

async function seed(base, password) {
  const anon = client(base);
  const { token } = await anon('POST', '/api/v1/auth/login', { username: 'admin', password });
  assert.ok(token, 'login returns a token');
  const api = client(base, token);
  await api('POST', '/api/v1/projects', {
    name: 'ui-test',
    display_name: 'UI test project',
    description: 'Created by tests/browser/ui.test.mjs',
  });
  const { experiment } = await api('POST', '/api/v1/projects/ui-test/experiments', { name: 'exp-ui' });
  const experimentId = experiment.experiment_id;
  assert.ok(experimentId, 'experiment id');

  const t0 = Date.now() - HISTORY_POINTS * 100;
  const { run } = await api('POST', '/api/2.0/mlflow/runs/create', {
    experiment_id: experimentId,
    run_name: 'run-long',
    start_time: t0,
  });
  const runId = run.info.run_id;
  for (let from = 0; from < HISTORY_POINTS; from += BATCH) {
    const metrics = [];
    for (let step = from; step < Math.min(from + BATCH, HISTORY_POINTS); step++) {
      metrics.push({ key: 'loss', value: 2 * Math.exp(-step / 1200) + 0.05 * Math.sin(step / 40), timestamp: t0 + step * 100, step });
    }
    await api('POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: runId,
      metrics,
      params: from === 0 ? [{ key: 'lr', value: '0.01' }, { key: 'depth', value: '6' }] : [],
    });
  }
  await api('POST', '/api/2.0/mlflow/runs/log-batch', {
    run_id: runId,
    metrics: Array.from({ length: 50 }, (_, i) => ({ key: 'acc', value: 0.5 + i / 110, timestamp: t0 + i * 10_000, step: i * 100 })),
  });

  // A second, short run to compare with.
  const second = await api('POST', '/api/2.0/mlflow/runs/create', { experiment_id: experimentId, run_name: 'run-short' });
  const secondId = second.run.info.run_id;
  await api('POST', '/api/2.0/mlflow/runs/log-batch', {
    run_id: secondId,
    metrics: Array.from({ length: 200 }, (_, step) => ({ key: 'loss', value: 1.5 * Math.exp(-step / 60), timestamp: Date.now(), step: step * 25 })),
    params: [{ key: 'lr', value: '0.1' }, { key: 'depth', value: '6' }],
  });

  // Enough runs for several pages of the runs table (it asks for 200 at a time).
  const many = await api('POST', '/api/v1/projects/ui-test/experiments', { name: 'exp-many' });
  const manyId = many.experiment.experiment_id;
  const indexes = Array.from({ length: MANY_RUNS }, (_, i) => i);
  for (let i = 0; i < indexes.length; i += 16) {
    await Promise.all(
      indexes.slice(i, i + 16).map(async (k) => {
        const r = await api('POST', '/api/2.0/mlflow/runs/create', { experiment_id: manyId, run_name: `trial-${k}` });
        await api('POST', '/api/2.0/mlflow/runs/log-batch', {
          run_id: r.run.info.run_id,
          metrics: [{ key: 'score', value: k / MANY_RUNS, timestamp: Date.now(), step: 0 }],
          params: [{ key: 'k', value: String(k) }],
        });
      }),
    );
  }
  return { experimentId, runId, secondId, manyId };
}

test('web UI: login, project, experiment, run charts, language switch, compare', { timeout: 180_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'ui');
  const { experimentId, runId, manyId } = await seed(server.base, password);

  const { page, pageErrors, shot } = await openPage();

  try {
    // Unauthenticated visit lands on the login form.
    await page.goto(`${server.base}/projects`);
    await page.waitForURL(/\/login/);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/projects$/);
    await page.getByTestId('current-user').waitFor();

    // Project → experiments tab → experiment.
    await page.getByRole('link', { name: /UI test project/ }).click();
    await page.waitForURL(/\/projects\/ui-test/);
    await page.getByRole('link', { name: 'exp-ui' }).click();
    await page.waitForURL(new RegExp(`/projects/ui-test/experiments/${experimentId}$`));
    await page.getByRole('link', { name: 'run-long' }).waitFor();
    await page.getByRole('link', { name: 'run-short' }).waitFor();
    await page.getByRole('columnheader', { name: /loss/ }).waitFor();
    await shot('experiment.png');

    // An invalid filter shows the server's message inline.
    await page.fill('input[name=filter]', 'metrics.loss >>> 1');
    await page.press('input[name=filter]', 'Enter');
    await page.getByTestId('filter-error').waitFor();
    await page.fill('input[name=filter]', "params.lr = '0.01'");
    await page.press('input[name=filter]', 'Enter');
    await page.getByRole('link', { name: 'run-short' }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'run-long' }).waitFor();

    // Run page with its charts.
    await page.getByRole('link', { name: 'run-long' }).click();
    await page.waitForURL(new RegExp(`/runs/${runId}$`));
    await page.getByRole('heading', { name: 'Metric charts' }).waitFor();
    await page.locator('[data-testid=metric-chart] canvas').first().waitFor();
    await page.waitForFunction(() => {
      const c = document.querySelector('[data-testid=metric-chart] canvas');
      return c && c.width > 0 && c.height > 0;
    });
    await page.waitForTimeout(300);
    const painted = await paintedPixels(page, '[data-testid=metric-chart]');
    assert.ok(painted > 1000, `chart canvas is painted (${painted} non-transparent pixels)`);
    await page.getByText(/\b5000 points/).first().waitFor();

    // Korean and back.
    await page.getByRole('button', { name: '한국어' }).click();
    await page.getByRole('heading', { name: '지표 차트' }).waitFor();
    await page.getByRole('heading', { name: '파라미터' }).waitFor();
    await shot('run-ko.png');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Metric charts' }).waitFor();
    await shot('run.png');

    // Compare both runs.
    await page.goto(`${server.base}/projects/ui-test/experiments/${experimentId}`);
    await page.getByRole('checkbox', { name: /run-long/ }).check();
    await page.getByRole('checkbox', { name: /run-short/ }).check();
    await page.getByRole('button', { name: /Compare \(2\)/ }).click();
    await page.waitForURL(/\/compare\?runs=/);
    await page.getByRole('heading', { name: 'Metric curves' }).waitFor();
    await page.locator('tr.differs', { hasText: 'lr' }).waitFor();
    await page.locator('[data-testid=metric-chart] canvas').first().waitFor();
    await page.waitForTimeout(300);
    assert.ok((await paintedPixels(page, '[data-testid=metric-chart]')) > 1000, 'compare chart is painted');
    await shot('compare.png');

    // Hundreds of runs: rows are windowed and further pages load on scroll.
    await page.goto(`${server.base}/projects/ui-test/experiments/${manyId}`);
    await page.getByText(/runs loaded, more on scroll/).waitFor();
    const grid = page.getByRole('table');
    for (let i = 0; i < 20; i++) {
      if (await page.getByText(`${MANY_RUNS} runs`, { exact: true }).isVisible()) break;
      await grid.evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await page.waitForTimeout(250);
    }
    await page.getByText(`${MANY_RUNS} runs`, { exact: true }).waitFor();
    const rendered = await page.locator('.grid-row').count();
    assert.ok(rendered < 120, `only visible rows are in the DOM (${rendered})`);
    // Sorting by a metric asks the server for a new order.
    await page.getByRole('columnheader', { name: /score/ }).getByRole('button').click();
    await page.waitForFunction(() => document.querySelector('.grid-row:not(.grid-head) a')?.textContent === 'trial-449');
    await shot('many-runs.png');

    // Logout returns to the form.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);

    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  } catch (e) {
    await shot('failure.png').catch(() => {});
    const tail = server.logs.join('').split('\n').slice(-40).join('\n');
    throw new Error(`${e.message}\n--- server output (tail) ---\n${tail}`, { cause: e });
  }
});
