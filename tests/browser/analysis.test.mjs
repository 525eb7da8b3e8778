// End-to-end test of the dataset analysis views (DATA-8, FE-1, FE-2, FE-5) against the real server.
//
//   node --test tests/browser/analysis.test.mjs
//
// Seeds through the API a project and a tabular dataset whose round 1 is an archive of small
// tables in class folders (yes/, no/; one duplicate file, one 60-column table). In chromium: a
// generated customers.csv (a duplicate row, a constant column, missing ages) is uploaded as round
// 2 through the Upload form and made into v1 through the New version form; then Statistics
// (column table, sketches, histogram, label balance, importance, correlations, a 60-column table
// in pages), Quality (table anomalies, item findings on v2, inferring and viewing the schema),
// Transforms (fit from the form, its hash in the list, the fitted spec) and a stratified split
// version with its class-share chart; Korean once. Screenshots go to tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { adminClient, browserSession, buildTar, loginInBrowser, paintedPixels } from './harness.mjs';

const PROJECT = 'analysis-ui';
const DATASET = 'customers';
const CITIES = ['Seoul', 'Busan', 'Incheon', 'Daegu'];

/**
 * 40 customers and a copy of customer 7 (a duplicate row). `country` is constant, `age` is missing
 * for every 10th customer, `churn` is the label (yes for the old and every 5th customer).
 */
export function customersCsv() {
  const rows = ['id,age,income,city,country,churn'];
  for (let i = 1; i <= 40; i++) {
    const age = 20 + ((i * 7) % 45);
    const income = (1000 + i * 37.5 + (i % 3) * 100).toFixed(1);
    const churn = age > 50 || i % 5 === 0 ? 'yes' : 'no';
    rows.push(`${i},${i % 10 === 0 ? '' : age},${income},${CITIES[i % 4]},KR,${churn}`);
  }
  rows.push(rows[7]);
  return rows.join('\n') + '\n';
}

function wideCsv(columns, rows) {
  const head = Array.from({ length: columns }, (_, j) => `f${String(j + 1).padStart(2, '0')}`);
  const lines = [head.join(',')];
  for (let r = 0; r < rows; r++) lines.push(head.map((_, j) => ((r * (j + 3)) % 17) + j / 10).join(','));
  return lines.join('\n') + '\n';
}

const part = (n) => `id,score\n${n},${n * 1.5}\n${n + 1},${n * 2}\n`;

async function uploadArchive(base, token, api, bytes) {
  const path = `/api/v1/projects/${PROJECT}/datasets/${DATASET}/uploads`;
  const { upload } = await api('POST', path, {});
  const res = await fetch(`${base}${path}/${upload.id}/parts/1`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
    body: bytes,
  });
  assert.equal(res.status, 200, await res.text());
  const { round } = await api('POST', `${path}/${upload.id}/complete`, { format: 'archive', note: 'class folders' });
  return round;
}

test('analysis UI: statistics, quality, schema, transforms, split report, Korean', { timeout: 240_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'analysis');
  const { api, token } = await adminClient(server.base, password);
  await api('POST', '/api/v1/projects', { name: PROJECT, display_name: 'Analysis UI project' });
  await api('POST', `/api/v1/projects/${PROJECT}/datasets`, { name: DATASET, domain: 'tabular', description: 'churn' });
  const r1 = await uploadArchive(
    server.base,
    token,
    api,
    buildTar({
      'yes/p1.csv': part(1),
      'yes/p2.csv': part(3),
      'yes/p3.csv': part(5),
      'yes/p4.csv': part(7),
      'no/p5.csv': part(9),
      'no/p6.csv': part(9), // the same bytes as p5: a duplicate item
      'no/p7.csv': part(11),
      'no/p8.csv': part(13),
      'no/p9.csv': part(15),
      'no/wide.csv': wideCsv(60, 12),
    }),
  );
  assert.equal(r1.items, 10);
  const ds = `/api/v1/projects/${PROJECT}/datasets/${DATASET}`;

  const { page, pageErrors, shot } = await openPage();
  const datasetUrl = `${server.base}/projects/${PROJECT}/datasets/${DATASET}`;
  const painted = async (testId, min) => {
    await page.locator(`[data-testid=${testId}] canvas`).first().waitFor();
    await page.waitForTimeout(300);
    const n = await paintedPixels(page, `[data-testid=${testId}]`);
    assert.ok(n > min, `${testId} is painted (${n} pixels)`);
  };
  const cell = (table, key, stat) => page.getByTestId(table).locator(`tr[data-column="${key}"] [data-stat=${stat}]`);

  try {
    await loginInBrowser(page, server.base, password, `/projects/${PROJECT}/datasets/${DATASET}`);

    // Before any version the analysis tabs say so.
    await page.getByRole('tab', { name: 'Statistics' }).click();
    await page.getByText('This dataset has no version yet').waitFor();

    // Round 2: the generated CSV through the Upload form, as one file.
    await page.getByRole('tab', { name: 'Upload' }).click();
    const form = page.getByTestId('upload-form');
    await form.locator('input[type=file]').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(customersCsv()) });
    await form.locator('select[name=format]').selectOption('file');
    await form.locator('input[name=filename]').fill('customers.csv');
    await form.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByTestId('upload-done').getByText(/Round 2 created: 1 item/).waitFor();

    // v1 from round 2 through the New version form.
    await page.getByRole('tab', { name: 'New version' }).click();
    const vform = page.getByTestId('version-form');
    await vform.locator('input[name=round-2]').check();
    await vform.locator('input[name=message]').fill('customers only');
    await vform.getByRole('button', { name: 'Create version' }).click();
    await page.getByTestId('versions-table').getByRole('link', { name: 'v1' }).waitFor();
    // v2: both rounds, labelled by folder (yes/, no/), for item findings and the split.
    const v2 = await api('POST', `${ds}/versions`, { status: 'labeled', rounds: [1, 2], labels: { from: 'folders' }, message: 'labelled' });
    assert.equal(v2.version.name, 'v2');

    // ---- Statistics of v1 (the only table: customers.csv).
    await page.goto(`${datasetUrl}?tab=stats&version=v1`);
    const stats = page.getByTestId('stats-tab');
    await stats.getByTestId('stats-rows').getByText('41').waitFor();
    assert.equal((await stats.getByTestId('stats-columns').innerText()).trim(), '6');
    // The column table: counts, missing share, range, unique values, a sketch per column.
    assert.equal((await cell('column-table', 'age', 'count').innerText()).trim(), '37');
    assert.equal((await cell('column-table', 'age', 'missing').innerText()).trim(), '9.8%');
    assert.equal((await cell('column-table', 'id', 'min').innerText()).trim(), '1');
    assert.equal((await cell('column-table', 'id', 'max').innerText()).trim(), '40');
    assert.equal((await cell('column-table', 'city', 'unique').innerText()).trim(), '4');
    assert.equal((await cell('column-table', 'country', 'unique').innerText()).trim(), '1');
    assert.equal(await stats.locator('[data-testid=column-table] tbody tr').count(), 6);
    assert.equal(await stats.locator('[data-testid=column-table] svg[data-testid=spark]').count(), 6, 'a sketch per column');
    const ageBars = await stats.locator('tr[data-column=age] svg rect').count();
    assert.equal(ageBars, 10, 'the age sketch has one bar per bin');
    // The histogram of the first numeric column, then the top values of a text column.
    await page.getByTestId('column-chart').and(page.locator('[data-kind=histogram]')).waitFor();
    await painted('column-chart', 1500);
    await stats.getByRole('button', { name: 'city', exact: true }).click();
    await page.locator('[data-testid=column-chart][data-column=city][data-kind=top]').waitFor();
    await painted('column-chart', 1500);
    await painted('correlation-chart', 5000);
    // 20 bins: the sketches follow.
    await stats.locator('select[name=bins]').selectOption('20');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-column=age] svg rect').length === 20);
    // A label: class balance and feature importance.
    await stats.locator('select[name=label]').selectOption('churn');
    await page.waitForURL(/label=churn/);
    const balance = page.getByTestId('label-balance');
    await balance.getByRole('heading', { name: 'Class balance of churn' }).waitFor();
    assert.equal((await balance.getByTestId('label-classes').innerText()).trim(), '2');
    await painted('label-chart', 1000);
    await page.getByTestId('importance').getByText('Mutual information with the label').waitFor();
    await painted('importance-chart', 1000);
    await shot('analysis-stats.png');

    // Korean, once: tab names, headers and the class balance title.
    await page.getByRole('button', { name: '한국어' }).click();
    await page.getByRole('tab', { name: '탐색적 분석' }).waitFor();
    await page.getByRole('tab', { name: '품질' }).waitFor();
    await page.getByTestId('column-table').getByRole('columnheader', { name: '결측' }).waitFor();
    await page.getByRole('heading', { name: 'churn 클래스 분포' }).waitFor();
    await shot('analysis-stats-ko.png');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('tab', { name: 'Statistics' }).waitFor();

    // A 60-column table of v2 pages its columns by 50 and filters them by name.
    await stats.locator('select[name=version]').selectOption('v2');
    await stats.locator('select[name=item]').selectOption('no/wide.csv');
    await stats.getByTestId('stats-columns').getByText('60').waitFor();
    assert.equal(await stats.locator('[data-testid=column-table] tbody tr').count(), 50);
    assert.match(await stats.getByTestId('columns-range').innerText(), /1.50 of 60/);
    await stats.getByRole('button', { name: 'Next' }).click();
    assert.equal(await stats.locator('[data-testid=column-table] tbody tr').count(), 10);
    await stats.getByRole('searchbox', { name: 'Filter columns' }).fill('f0');
    assert.equal(await stats.locator('[data-testid=column-table] tbody tr').count(), 9);
    await painted('correlation-chart', 20000);
    await shot('analysis-stats-wide.png');

    // ---- Quality of v1: anomalies of customers.csv against a schema inferred from itself.
    await page.goto(`${datasetUrl}?tab=quality&version=v1`);
    const anomalies = page.getByTestId('anomaly-table');
    await anomalies.waitFor();
    assert.match(await page.getByTestId('checked-against').innerText(), /inferred from this table/);
    const dup = anomalies.locator('tr[data-kind=duplicate_rows]');
    await dup.getByText('Duplicate rows').waitFor();
    assert.equal((await dup.locator('[data-stat=count]').innerText()).trim(), '1');
    assert.match(await dup.locator('[data-stat=rows]').innerText(), /\b(41|40)\b/, 'the repeated row is named');
    const constant = anomalies.locator('tr[data-kind=constant_column]');
    await constant.getByRole('cell', { name: 'country', exact: true }).waitFor();
    await page.getByTestId('item-findings').getByText('No problems').waitFor();
    await page.getByTestId('schema-none').waitFor();
    // Infer and save the schema from v1; the table is then checked against it.
    await page.getByRole('button', { name: 'Infer and save from v1' }).click();
    await page.getByTestId('schema-origin').getByText(/Inferred from v1 \(customers\.csv\) by admin/).waitFor();
    const schema = page.getByTestId('schema-table');
    await schema.waitFor();
    assert.equal((await cell('schema-table', 'age', 'range').innerText()).trim(), '21 – 64');
    assert.equal((await cell('schema-table', 'age', 'nullable').innerText()).trim(), 'yes');
    assert.equal((await cell('schema-table', 'income', 'nullable').innerText()).trim(), 'no');
    await schema.locator('tr[data-column=city] [data-stat=categories]').getByText('Seoul').waitFor();
    await page.getByTestId('checked-against').getByText('checked against the saved schema from v1').waitFor();
    await page.getByRole('button', { name: 'Hide schema' }).click();
    await schema.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'View schema' }).click();
    await schema.waitFor();
    await shot('analysis-quality.png');
    // v2 holds a duplicate file: an item finding with its example path.
    await page.getByTestId('quality-tab').locator('select[name=version]').selectOption('v2');
    const finding = page.getByTestId('item-findings').locator('tr[data-kind=duplicate_items]');
    await finding.getByText('Duplicate items').waitFor();
    assert.equal((await finding.locator('[data-stat=count]').innerText()).trim(), '1');
    await finding.getByText('no/p6.csv').waitFor();
    assert.match(await page.getByTestId('item-findings').innerText(), /11 items checked/);

    // ---- Transforms: fit on v1 from the form (income bucketized, churn left out as the label).
    await page.goto(`${datasetUrl}?tab=transforms&version=v1`);
    await page.getByText('No transform fitted yet.').waitFor();
    const tform = page.getByTestId('transform-form');
    await tform.locator('select[name=label]').selectOption('churn');
    await tform.locator('tr[data-column=churn] input[type=checkbox]').waitFor();
    assert.equal(await tform.locator('tr[data-column=churn] input[type=checkbox]').isChecked(), false, 'the label is not a feature');
    assert.equal(await tform.locator('select[name=impute_age]').inputValue(), 'mean', 'missing ages are imputed');
    await tform.locator('select[name=step_income]').selectOption('bucketize');
    await tform.locator('input[name=param_income]').fill('4');
    await tform.locator('input[name=use_id]').uncheck();
    await tform.getByRole('button', { name: 'Fit on v1' }).click();
    const hash = (await page.getByTestId('fitted-hash').innerText()).trim();
    assert.match(hash, /^[0-9a-f]{64}$/);
    const listed = page.getByTestId('transforms-table').locator(`tr[data-hash="${hash}"]`);
    await listed.waitFor();
    assert.equal(await page.getByTestId('transforms-table').locator('tbody tr').count(), 1);
    const spec = page.getByTestId('transform-spec');
    assert.equal((await spec.getByTestId('spec-hash').innerText()).trim(), hash);
    const specRow = (c) => spec.locator(`tr[data-column=${c}]`);
    await specRow('age').getByText('z-score').waitFor();
    assert.match(await specRow('age').innerText(), /fill=/);
    assert.match(await specRow('age').innerText(), /mean=.*std=/);
    assert.match(await specRow('income').innerText(), /boundaries=\[1475, 1837.5, 2237.5\] \(3\)/);
    assert.match(await specRow('city').innerText(), /vocabulary=\[.*\] \(4\)/);
    assert.equal(await specRow('id').count(), 0, 'unticked columns are left out');
    assert.equal(await specRow('churn').count(), 0);
    // The same spec through the API, under the same hash.
    const fetched = await api('GET', `${ds}/transforms/${hash}`);
    assert.equal(fetched.spec.columns.length, 4);
    await shot('analysis-transforms.png');
    await listed.getByRole('button', { name: 'Hide' }).click();
    await spec.waitFor({ state: 'detached' });

    // ---- A stratified split of v2 through the New version form, and its report.
    await page.goto(`${datasetUrl}?tab=newVersion`);
    await vform.locator('select[name=status]').selectOption('split');
    assert.equal(await vform.locator('select[name=from_version]').inputValue(), 'v2');
    await vform.locator('select[name=split_method]').selectOption('stratified');
    await vform.locator('select[name=split_unit]').selectOption('items');  // the folder-labelled files
    await vform.locator('input[name=ratio_train]').fill('0.5');
    await vform.locator('input[name=ratio_val]').fill('0');
    await vform.locator('input[name=ratio_test]').fill('0.5');
    await vform.getByRole('button', { name: 'Create version' }).click();
    await page.getByTestId('versions-table').getByRole('link', { name: 'v3' }).click();
    await page.waitForURL(/\/versions\/v3$/);
    const report = page.getByTestId('split-report');
    await report.getByRole('heading', { name: /Split report/ }).waitFor();
    await report.getByText('Stratified by label', { exact: true }).waitFor();
    const splitRows = report.locator('[data-testid=split-table] tbody tr');
    assert.equal(await splitRows.count(), 2);
    assert.deepEqual(await splitRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-split'))), ['train', 'test']);
    const counts = await report.locator('[data-testid=split-table] [data-stat=count]').allInnerTexts();
    assert.equal(counts.map(Number).reduce((a, b) => a + b, 0), 11, 'every item is in a split');
    // Stratified: each class is halved between train and test.
    const classCell = (split, cls) => report.locator(`tr[data-split=${split}] td[data-class="${cls}"]`);
    for (const [cls, n] of [
      ['yes', '2'],
      ['no', '3'],
    ]) {
      assert.match(await classCell('train', cls).innerText(), new RegExp(`^${n}\\b`));
      assert.match(await classCell('test', cls).innerText(), new RegExp(`^${n}\\b`));
    }
    await painted('split-chart', 3000);
    await shot('analysis-split.png');
    // A row split of the customers table (the default in a tabular dataset), stratified by `churn`.
    await page.goto(`${datasetUrl}?tab=newVersion`);
    await vform.locator('select[name=status]').selectOption('split');
    await vform.locator('select[name=from_version]').selectOption('v1');
    await vform.locator('select[name=split_method]').selectOption('stratified');
    await vform.locator('input[name=split_label]').fill('churn');
    await vform.locator('input[name=ratio_train]').fill('0.5');
    await vform.locator('input[name=ratio_val]').fill('0');
    await vform.locator('input[name=ratio_test]').fill('0.5');
    await vform.getByRole('button', { name: 'Create version' }).click();
    await page.getByTestId('versions-table').getByRole('link', { name: 'v4' }).click();
    await page.waitForURL(/\/versions\/v4$/);
    const rowReport = page.getByTestId('split-report');
    await rowReport.getByRole('columnheader', { name: 'Rows' }).waitFor();
    const rowCounts = await rowReport.locator('[data-testid=split-table] [data-stat=count]').allInnerTexts();
    assert.equal(rowCounts.map(Number).reduce((a, b) => a + b, 0), 41, 'every row is in a split');
    const churnRows = customersCsv().trim().split('\n').slice(1).map((l) => l.split(',').at(-1));
    for (const cls of ['yes', 'no']) {
      const n = churnRows.filter((c) => c === cls).length;
      const train = Number((await rowReport.locator(`tr[data-split=train] td[data-class="${cls}"]`).innerText()).split(/\s/)[0]);
      const test = Number((await rowReport.locator(`tr[data-split=test] td[data-class="${cls}"]`).innerText()).split(/\s/)[0]);
      assert.equal(train + test, n, cls);
      assert.ok(Math.abs(train - test) <= 1, `${cls}: ${train} / ${test}`);
    }
    // A version without a split has no report.
    await page.goto(`${datasetUrl}/versions/v2`);
    await page.getByTestId('version-runs').waitFor();
    assert.equal(await page.getByTestId('split-report').count(), 0);

    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  } catch (e) {
    await shot('analysis-failure.png').catch(() => {});
    const tail = server.logs.join('').split('\n').slice(-40).join('\n');
    throw new Error(`${e.message}\n--- server output (tail) ---\n${tail}`, { cause: e });
  }
});
