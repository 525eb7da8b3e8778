// End-to-end test of the Evaluation tab (EVAL-1..4, EVAL-6) and the report downloads:
//
//   node --test tests/browser/evaluation.test.mjs
//
// Over the API: a project with a task whose acceptance criteria the run meets, a run with an
// evaluation (binary, scores, slices). In chromium: run page → Evaluation tab → metrics, the
// confusion matrix with its counts, ROC / PR / calibration curves drawn, slices by priority,
// baselines with the simple model and "not available" for human-level → the HTML and PDF report
// links download a report (PDF starts with %PDF) → the criteria check shows "criteria met" →
// Confirm → "Confirmed as package #1" → the project's Packages tab lists it with its manifest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { adminClient, browserSession, loginInBrowser, paintedPixels } from './harness.mjs';

const PROJECT = 'eval-ui';

test('evaluation tab: matrix, curves, report download, confirm', { timeout: 180_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'evaluation');
  const { api } = await adminClient(server.base, password);
  await api('POST', '/api/v1/projects', { name: PROJECT });
  await api('POST', `/api/v1/projects/${PROJECT}/tasks`, {
    name: 'churn', domain: 'tabular', problem_type: 'classification', acceptance_criteria: 'eval_accuracy >= 0.7',
  });
  const exp = (await api('POST', `/api/v1/projects/${PROJECT}/experiments`, { name: 'e' })).experiment.experiment_id;
  const run = (await api('POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp, run_name: 'candidate' })).run.info.run_id;
  await api('POST', `/api/v1/runs/${run}/evaluations`, {
    problem: 'classification',
    y_true: ['yes', 'yes', 'yes', 'no', 'no', 'no', 'no', 'yes'],
    y_pred: ['yes', 'yes', 'no', 'no', 'no', 'no', 'yes', 'yes'],
    y_score: [0.9, 0.8, 0.4, 0.3, 0.2, 0.1, 0.6, 0.7],
    pos_label: 'yes',
    slices: { features: { region: ['a', 'a', 'b', 'b', 'a', 'b', 'b', 'a'] } },
  });

  const { page, pageErrors, shot } = await openPage();
  await loginInBrowser(page, server.base, password);
  await page.goto(`${server.base}/runs/${run}`);
  await page.getByRole('tab', { name: 'Evaluation' }).click();
  await page.waitForURL(/tab=evaluation/);

  const matrix = page.getByTestId('confusion-matrix');
  await matrix.waitFor();
  const cells = await matrix.locator('tbody td').allInnerTexts();
  assert.deepEqual(cells.map((c) => c.trim()), ['3', '1', '1', '3']);  // rows no/yes × columns no/yes
  assert.match(await matrix.innerText(), /yes/);
  // Normalized by the true class (sklearn's normalize="true"): 3 of 4 → 75.0%.
  await page.getByRole('button', { name: '% of true class' }).click();
  await page.locator('[data-testid=confusion-matrix][data-normalized=true]').waitFor();
  assert.deepEqual((await matrix.locator('tbody td').allInnerTexts()).map((c) => c.trim()), ['75.0%', '25.0%', '25.0%', '75.0%']);
  await page.getByRole('button', { name: 'Counts' }).click();
  for (const id of ['curve-roc', 'curve-pr', 'curve-calibration']) {
    const curve = page.getByTestId(id);
    await curve.locator('canvas').first().waitFor();
    await page.waitForTimeout(300);
    assert.ok((await paintedPixels(page, `[data-testid=${id}]`)) > 200, `${id} is drawn`);
  }
  const metrics = await page.getByTestId('eval-metrics').innerText();
  assert.match(metrics, /accuracy/);
  assert.match(metrics, /roc_auc/);
  const slices = await page.getByTestId('slices').innerText();
  assert.match(slices, /region=/);
  const baselines = await page.getByTestId('baselines').innerText();
  assert.match(baselines, /0\.5/);  // majority class: accuracy 4/8
  assert.match(await page.getByTestId('human-level').innerText(), /not available: no labeling agreement recorded/);
  await shot('evaluation-tab.png');

  // The report downloads.
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-pdf').click()]);
  const pdfBytes = readFileSync(await pdf.path());
  assert.equal(pdfBytes.subarray(0, 5).toString(), '%PDF-');
  const [html] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-html').click()]);
  const htmlText = readFileSync(await html.path(), 'utf8');
  assert.match(htmlText, /Model experiment report|모델 실험 결과서/);
  assert.match(htmlText, /id="sec-baselines"/);

  // Confirmation.
  const card = page.getByTestId('confirm-card');
  await card.getByTestId('criteria-result').getByText('criteria met').waitFor();
  await card.getByRole('button', { name: 'Confirm model' }).click();
  await card.getByTestId('confirmed').getByText(/Confirmed as package #1/).waitFor();
  await shot('evaluation-confirmed.png');

  await page.goto(`${server.base}/projects/${PROJECT}?tab=packages`);
  const table = page.getByTestId('packages');
  await table.getByText('churn').waitFor();
  await table.getByRole('button', { name: '#1' }).click();
  const manifest = page.getByTestId('manifest');
  await manifest.getByText('evaluations/eval.json').waitFor();
  assert.deepEqual(pageErrors, []);
});
