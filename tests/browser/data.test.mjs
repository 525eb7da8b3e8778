// End-to-end test of the data management UI against the real server.
//
//   node --test tests/browser/
//
// Seeds through the API a project, a vision dataset with two uploaded rounds (tar archives built
// here), versions v1 (round 1) and v2 (rounds 1+2, labels from folders) and a run that used v2;
// then in chromium: project → Datasets tab → dataset (status dashboard, timeline, versions) →
// lineage with the run → diff v1→v2 → version page → Korean → a rejected and a good upload of a
// third round through the form → a split version through the form → dataset catalog search.
// Screenshots go to tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminClient, browserSession, buildTar, loginInBrowser, paintedPixels, tinyPng } from './harness.mjs';

const PROJECT = 'data-ui';
const DATASET = 'street-scenes';

/** Uploads `bytes` as one round through the resumable upload API (two parts when possible). */
async function uploadRound(base, token, api, bytes, note) {
  const path = `/api/v1/projects/${PROJECT}/datasets/${DATASET}/uploads`;
  const { upload } = await api('POST', path, {});
  assert.ok(upload.id && upload.max_part_bytes > 0, 'upload id and part limit');
  const half = Math.ceil(bytes.length / 2);
  const parts = [bytes.subarray(0, half), bytes.subarray(half)];
  for (let i = 0; i < parts.length; i++) {
    const res = await fetch(`${base}${path}/${upload.id}/parts/${i + 1}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
      body: parts[i],
    });
    assert.equal(res.status, 200, `part ${i + 1}: ${await res.text()}`);
  }
  const { round } = await api('POST', `${path}/${upload.id}/complete`, { format: 'archive', note });
  return round;
}

async function seed(base, password) {
  const { api, token } = await adminClient(base, password);
  await api('POST', '/api/v1/projects', { name: PROJECT, display_name: 'Data UI project', description: 'tests/browser/data.test.mjs' });
  await api('POST', `/api/v1/projects/${PROJECT}/datasets`, {
    name: DATASET,
    domain: 'vision',
    description: 'Street camera frames',
    sensitive: true,
    tags: ['cctv', 'night'],
    strict_ingest: true, // the upload step shows a refused archive: strict ingest refuses a sidecar such as readme.md
  });
  const r1 = await uploadRound(
    base,
    token,
    api,
    buildTar({ 'cat/a.png': tinyPng(1), 'cat/b.png': tinyPng(2), 'dog/c.png': tinyPng(3) }),
    'first batch',
  );
  assert.equal(r1.number, 1);
  assert.equal(r1.items, 3);
  const r2 = await uploadRound(base, token, api, buildTar({ 'dog/d.png': tinyPng(4), 'cat/e.png': tinyPng(5) }), 'second batch');
  assert.equal(r2.number, 2);
  const ds = `/api/v1/projects/${PROJECT}/datasets/${DATASET}`;
  const v1 = await api('POST', `${ds}/versions`, { status: 'raw', rounds: [1], message: 'round 1 only' });
  assert.equal(v1.version.name, 'v1');
  const v2 = await api('POST', `${ds}/versions`, { status: 'labeled', rounds: [1, 2], labels: { from: 'folders' }, message: 'both rounds, labelled' });
  assert.equal(v2.version.name, 'v2');

  const { experiment } = await api('POST', `/api/v1/projects/${PROJECT}/experiments`, { name: 'exp-data' });
  const { run } = await api('POST', '/api/2.0/mlflow/runs/create', { experiment_id: experiment.experiment_id, run_name: 'train-on-v2' });
  const runId = run.info.run_id;
  await api('POST', `/api/v1/runs/${runId}/inputs`, { kind: 'dataset_version', ref: `${PROJECT}/${DATASET}@v2` });
  return { runId };
}

test('data UI: datasets tab, dashboard, versions, lineage, diff, Korean, upload', { timeout: 180_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'moebius-data-files-'));
  const { server, password, openPage } = await browserSession(t, 'data', { dirs: [work] });
  const { runId } = await seed(server.base, password);

  const { page, pageErrors, shot } = await openPage();
  const datasetUrl = `${server.base}/projects/${PROJECT}/datasets/${DATASET}`;

  try {
    await loginInBrowser(page, server.base, password);

    // Project → Datasets tab → dataset.
    await page.getByRole('link', { name: /Data UI project/ }).click();
    await page.waitForURL(new RegExp(`/projects/${PROJECT}`));
    await page.getByRole('tab', { name: 'Datasets' }).click();
    await page.getByRole('link', { name: DATASET }).click();
    await page.waitForURL(new RegExp(`/projects/${PROJECT}/datasets/${DATASET}`));

    // Header and status dashboard: one raw and one labeled version, two rounds, v2 latest (5 items).
    await page.getByRole('heading', { name: new RegExp(DATASET) }).waitFor();
    await page.getByText('Sensitive', { exact: true }).waitFor();
    await page.getByText('cctv', { exact: true }).waitFor();
    const dash = page.getByTestId('status-dashboard');
    await dash.getByRole('heading', { name: 'Data status' }).waitFor();
    assert.match(await page.getByTestId('stat-status-raw').innerText(), /1/);
    assert.match(await page.getByTestId('stat-status-labeled').innerText(), /1/);
    assert.match(await page.getByTestId('stat-status-split').innerText(), /0/);
    assert.equal((await page.getByTestId('stat-rounds').innerText()).trim(), '2');
    assert.equal((await page.getByTestId('stat-latest').innerText()).trim(), 'v2');
    assert.equal((await page.getByTestId('stat-latest-items').innerText()).trim(), '5');
    await page.locator('[data-testid=dashboard-chart] canvas').first().waitFor();
    await page.waitForTimeout(300);
    assert.ok((await paintedPixels(page, '[data-testid=dashboard-chart]')) > 500, 'dashboard chart is painted');
    // Timeline: rounds and versions oldest first.
    const timeline = await page.getByTestId('timeline').innerText();
    const order = ['Round 1 uploaded', 'Round 2 uploaded', 'Version v1 created', 'Version v2 created'].map((s) => timeline.indexOf(s));
    assert.ok(order.every((i) => i >= 0), `timeline lists every event: ${timeline}`);
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'timeline in time order');

    // Rounds tab: items browser with a prefix filter.
    await page.getByRole('button', { name: 'Items of round 1' }).click();
    const browser = page.getByTestId('items-browser');
    await browser.getByText('cat/a.png').waitFor();
    await browser.getByRole('textbox', { name: 'Path prefix' }).fill('dog/');
    await browser.getByRole('button', { name: 'Filter' }).click();
    await browser.getByText('cat/a.png').waitFor({ state: 'detached' });
    await browser.getByText('dog/c.png').waitFor();
    await shot('dataset.png');

    // Versions tab.
    await page.getByRole('tab', { name: 'Versions' }).click();
    const versions = page.getByTestId('versions-table');
    await versions.getByRole('link', { name: 'v1' }).waitFor();
    await versions.getByRole('link', { name: 'v2' }).waitFor();
    await versions.getByText('Labeled').waitFor();
    await versions.locator('a[href$="/versions/v2/archive"]').waitFor();

    // Analysis tabs on an image dataset: no table to describe, the items are still checked.
    await page.getByRole('tab', { name: 'Statistics' }).click();
    await page.getByText('This version has no table item (CSV, TSV or JSONL).').waitFor();
    await page.getByRole('tab', { name: 'Quality' }).click();
    await page.getByTestId('item-findings').getByText('5 items checked').waitFor();
    await page.getByTestId('item-findings').getByText('No problems').waitFor();

    // Lineage: the run that used v2 is there and links to its page.
    await page.getByRole('tab', { name: 'Lineage' }).click();
    await page.locator('[data-testid=lineage-graph] canvas').first().waitFor();
    await page.waitForTimeout(300);
    assert.ok((await paintedPixels(page, '[data-testid=lineage-graph]')) > 1000, 'lineage graph is painted');
    const runLink = page.getByTestId('lineage-runs').getByRole('link', { name: 'train-on-v2' });
    await runLink.waitFor();
    assert.equal(await runLink.getAttribute('href'), `/runs/${runId}`);
    await shot('lineage.png');

    // Diff v1 → v2 from the versions table's "Compare to…".
    await page.getByRole('tab', { name: 'Versions' }).click();
    await page.getByRole('combobox', { name: 'Compare v1 with' }).selectOption('v2');
    await page.waitForURL(/\/diff\?from=v1&to=v2/);
    await page.getByTestId('diff-counts').waitFor();
    assert.equal((await page.getByTestId('diff-count-added').locator('strong').innerText()).trim(), '2');
    assert.equal((await page.getByTestId('diff-count-removed').locator('strong').innerText()).trim(), '0');
    const list = page.getByTestId('diff-list');
    await list.getByText('dog/d.png').waitFor();
    await page.getByRole('searchbox', { name: 'Filter paths' }).fill('cat/');
    await list.getByText('dog/d.png').waitFor({ state: 'detached' });
    await list.getByText('cat/e.png').waitFor();
    await shot('diff.png');

    // Version page: the runs that used it.
    await page.goto(`${datasetUrl}/versions/v2`);
    await page.getByTestId('version-runs').getByRole('link', { name: 'train-on-v2' }).waitFor();
    await page.getByText(`${PROJECT}/${DATASET}@v2`).waitFor();
    await shot('version.png');

    // Korean labels on the dataset page.
    await page.goto(datasetUrl);
    await page.getByRole('button', { name: '한국어' }).click();
    await page.getByRole('heading', { name: '데이터 현황' }).waitFor();
    await page.getByRole('tab', { name: '차수' }).waitFor();
    await page.getByText('1차 업로드').waitFor();
    await shot('dataset-ko.png');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Data status' }).waitFor();

    // Upload through the form: bad content is refused with the server's message…
    await page.getByRole('tab', { name: 'Upload' }).click();
    const form = page.getByTestId('upload-form');
    await form.locator('input[type=file]').setInputFiles({
      name: 'bad.tar',
      mimeType: 'application/x-tar',
      buffer: buildTar({ 'cat/f.png': tinyPng(6), 'notes/readme.md': '# not an image\n' }),
    });
    await form.getByRole('button', { name: 'Upload', exact: true }).click();
    await form.getByText(/readme\.md/).waitFor();
    await form.getByText('The server rejected the content:').waitFor();
    await shot('upload-rejected.png');
    // …and a good archive becomes round 3.
    await form.locator('input[type=file]').setInputFiles({
      name: 'round3.tar',
      mimeType: 'application/x-tar',
      buffer: buildTar({ 'cat/g.png': tinyPng(7), 'dog/h.png': tinyPng(8), 'bird/i.png': tinyPng(9) }),
    });
    await form.locator('input[name=note]').fill('third batch from the browser');
    // The first part fails on the way (connection reset); Resume asks the server which parts it
    // holds and sends the missing one.
    let aborted = 0;
    await page.route('**/uploads/*/parts/*', async (route) => {
      if (aborted++ === 0) await route.abort('connectionreset');
      else await route.continue();
    });
    await form.getByRole('button', { name: 'Upload', exact: true }).click();
    await form.getByText(/The upload stopped/).waitFor();
    await form.getByRole('button', { name: 'Resume' }).click();
    await page.getByTestId('upload-done').getByText(/Round 3 created: 3 items/).waitFor();
    assert.equal(await form.getByRole('progressbar').getAttribute('aria-valuenow'), '100');
    assert.equal(aborted, 2, 'one failed and one resumed part request');
    await page.unroute('**/uploads/*/parts/*');
    await page.waitForFunction(() => document.querySelector('[data-testid=stat-rounds]')?.textContent?.trim() === '3');
    await shot('upload.png');
    await page.getByTestId('upload-done').getByRole('button', { name: 'Show items' }).click();
    await page.getByTestId('rounds-table').getByRole('button', { name: 'Items of round 3' }).waitFor();
    await page.getByTestId('items-browser').getByText('bird/i.png').waitFor();
    await page.getByTestId('timeline').getByText('third batch from the browser').waitFor();

    // A split version made from v2 through the New version form.
    await page.getByRole('tab', { name: 'New version' }).click();
    const vform = page.getByTestId('version-form');
    await vform.locator('select[name=status]').selectOption('split');
    await vform.getByRole('button', { name: 'From a version', pressed: true }).waitFor();
    assert.equal(await vform.locator('select[name=from_version]').inputValue(), 'v2');
    await vform.locator('input[name=ratio_train]').fill('0.6');
    await vform.locator('input[name=ratio_val]').fill('0');
    await vform.locator('input[name=ratio_test]').fill('0.4');
    await vform.locator('input[name=message]').fill('60/40 split');
    await vform.getByRole('button', { name: 'Create version' }).click();
    await page.getByTestId('versions-table').getByRole('link', { name: 'v3' }).waitFor();
    await page.getByTestId('versions-table').getByText('split: random').waitFor();
    assert.match(await page.getByTestId('stat-status-split').innerText(), /1/);
    await shot('split-version.png');

    // Catalog search from the top bar.
    await page.getByRole('navigation').getByRole('link', { name: 'Datasets' }).click();
    await page.waitForURL(/\/datasets$/);
    await page.getByRole('searchbox', { name: 'Words, or name: tag: column: domain:' }).fill('street');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/datasets\?q=street/);
    await page.getByTestId('dataset-results').getByRole('link', { name: DATASET }).waitFor();
    await shot('search.png');

    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  } catch (e) {
    await shot('data-failure.png').catch(() => {});
    const tail = server.logs.join('').split('\n').slice(-40).join('\n');
    throw new Error(`${e.message}\n--- server output (tail) ---\n${tail}`, { cause: e });
  }
});
