// End-to-end test of data connections, SQL rounds, catalog search and dictionary diffs.
//
//   node --test tests/browser/sources.test.mjs
//
// Builds a SQLite file with the sqlite3 CLI under a directory given to the server as
// --sql-source-root; seeds through the API a tabular dataset (the SQL target), a second tabular
// dataset with other columns, and a language dataset whose two versions hold different
// dictionary/words.tsv; then in chromium: project → Connections tab → create a SQLite connection
// → tabular dataset → From SQL with bad SQL (the server's 400 shown, nothing stored) and a good
// query (rows count, the round's query in the rounds table and timeline) → catalog search with
// column: (matched column chip marked; clicking chips refines the query) → diff v1→v2 of the
// language dataset (dictionary terms added / removed / changed) → its Quality tab (entries,
// repeated terms) → delete the connection after confirming → as a data engineer: connections read-only, From
// SQL still offered; Korean labels. Screenshots go to tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminClient, browserSession, buildTar, loginInBrowser } from './harness.mjs';

const PROJECT = 'sql-ui';
const SALES = 'sales-table';
const WEATHER = 'weather';
const LEXICON = 'lexicon';
const QUERY = 'SELECT id, region, unit_price FROM sales ORDER BY id';

/** Uploads `bytes` (a tar archive) as one round of `dataset` in a single part. */
async function uploadArchive(base, token, api, dataset, bytes, note) {
  const path = `/api/v1/projects/${PROJECT}/datasets/${dataset}/uploads`;
  const { upload } = await api('POST', path, {});
  const res = await fetch(`${base}${path}/${upload.id}/parts/1`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
    body: bytes,
  });
  assert.equal(res.status, 200, `part: ${await res.text()}`);
  const { round } = await api('POST', `${path}/${upload.id}/complete`, { format: 'archive', note });
  return round;
}

async function seed(base, password) {
  const { api, token } = await adminClient(base, password);
  await api('POST', '/api/v1/projects', { name: PROJECT, display_name: 'SQL UI project' });
  const datasets = `/api/v1/projects/${PROJECT}/datasets`;
  await api('POST', datasets, { name: SALES, domain: 'tabular', description: 'Sales pulled from the warehouse', tags: ['finance'] });
  await api('POST', datasets, { name: WEATHER, domain: 'tabular', description: 'Daily weather', tags: ['climate'] });
  await uploadArchive(base, token, api, WEATHER, buildTar({ 'weather.csv': 'day,temp,humidity\n1,20.5,0.4\n2,21.0,0.5\n' }), 'weather');
  await api('POST', datasets, { name: LEXICON, domain: 'language', description: 'Morphology dictionary' });
  const r1 = await uploadArchive(
    base,
    token,
    api,
    LEXICON,
    buildTar({ 'dictionary/words.tsv': '사과\tNNG\n배\tNNG\n포도\tNNG\n', 'texts/a.txt': '사과를 먹었다.\n' }),
    'first dictionary',
  );
  // 사과 changes its info, 포도 goes, 바나나 comes, and 배 is repeated on line 4.
  const r2 = await uploadArchive(
    base,
    token,
    api,
    LEXICON,
    buildTar({ 'dictionary/words.tsv': '사과\tNNP\n배\tNNG\n바나나\tNNG\n배\tVV\n', 'texts/a.txt': '사과를 먹었다.\n' }),
    'second dictionary',
  );
  const lex = `${datasets}/${LEXICON}`;
  assert.equal((await api('POST', `${lex}/versions`, { status: 'raw', rounds: [r1.number] })).version.name, 'v1');
  assert.equal((await api('POST', `${lex}/versions`, { status: 'raw', rounds: [r2.number] })).version.name, 'v2');
  return { api };
}

test('sources UI: connections, SQL round, catalog columns, dictionary diff', { timeout: 180_000 }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'moebius-sql-root-'));
  const dbPath = join(root, 'sales.db');
  execFileSync('sqlite3', [
    dbPath,
    "CREATE TABLE sales (id INTEGER, region TEXT, unit_price REAL); INSERT INTO sales VALUES (1, 'north', 9.5), (2, 'south', 12.25), (3, 'east', 7);",
  ]);
  const { server, password, openPage } = await browserSession(t, 'sources', { args: ['--sql-source-root', root], dirs: [root] });
  const { api } = await seed(server.base, password);

  const { page, pageErrors, shot } = await openPage();

  try {
    await loginInBrowser(page, server.base, password);

    // Project → Connections tab → a SQLite connection under the allowed root.
    await page.goto(`${server.base}/projects/${PROJECT}`);
    await page.getByRole('tab', { name: 'Connections' }).click();
    await page.getByTestId('connections').getByText('No connections in this project yet.').waitFor();
    const cform = page.getByTestId('connection-form');
    await cform.locator('input[name=connection-name]').fill('warehouse');
    await cform.locator('select[name=connection-kind]').selectOption('sqlite');
    await cform.locator('input[name=connection-target]').fill(dbPath);
    await cform.getByRole('button', { name: 'Add connection' }).click();
    const row = page.locator('[data-testid=connections-table] tr[data-connection=warehouse]');
    await row.waitFor();
    assert.match(await row.innerText(), /SQLite/);
    assert.match(await row.locator('[data-stat=target]').innerText(), /sales\.db/);
    // A relative SQLite path is caught before it is sent.
    await cform.locator('input[name=connection-name]').fill('relative');
    await cform.locator('input[name=connection-target]').fill('sales.db');
    await cform.getByRole('button', { name: 'Add connection' }).click();
    await cform.getByText('A SQLite target must be an absolute file path').waitFor();
    assert.equal((await api('GET', `/api/v1/projects/${PROJECT}/connections`)).connections.length, 1);
    await shot('sources-connections.png');

    // Tabular dataset → From SQL: a bad query shows the server's 400 and stores nothing.
    await page.goto(`${server.base}/projects/${PROJECT}/datasets/${SALES}`);
    await page.getByRole('tab', { name: 'From SQL' }).click();
    const sform = page.getByTestId('sql-round-form');
    assert.equal(await sform.locator('select[name=sql-connection]').inputValue(), 'warehouse');
    await sform.locator('textarea[name=sql-query]').fill('SELEC id FROM sales');
    await sform.getByRole('button', { name: 'Run query and create round' }).click();
    const err = page.getByTestId('sql-error').getByRole('alert');
    await err.waitFor();
    const errText = await err.innerText();
    assert.match(errText, /The query was refused/);
    assert.match(errText, /connection 'warehouse'/);
    assert.match(errText, /syntax error/i);
    const sales = `/api/v1/projects/${PROJECT}/datasets/${SALES}`;
    assert.equal((await api('GET', sales)).rounds?.length ?? 0, 0, 'a refused query stores no round');
    await shot('sources-sql-error.png');

    // A mismatched item name is caught before it is sent.
    await sform.locator('textarea[name=sql-query]').fill(QUERY);
    await sform.locator('input[name=sql-name]').fill('sales.jsonl');
    await sform.getByRole('button', { name: 'Run query and create round' }).click();
    await sform.getByText('The item name must end in .csv').waitFor();

    // The good query: round 1 with 3 rows.
    await sform.locator('input[name=sql-name]').fill('sales.csv');
    await sform.locator('input[name=sql-note]').fill('nightly pull');
    await sform.getByRole('button', { name: 'Run query and create round' }).click();
    const done = page.getByTestId('sql-done');
    await done.waitFor();
    assert.match(await done.innerText(), /Round 1 created: 3 rows in sales\.csv/);
    assert.equal(await page.getByTestId('sql-error').getByRole('alert').count(), 0, 'the old error is gone');
    await shot('sources-sql-done.png');
    await done.getByRole('button', { name: 'Show items' }).click();
    await page.waitForURL(/tab=rounds/);
    const rounds = page.getByTestId('rounds-table');
    await rounds.getByText('SQL', { exact: true }).waitFor();
    assert.equal((await rounds.getByTestId('round-sql-query').innerText()).trim(), QUERY);
    assert.match(await rounds.getByTestId('round-sql').innerText(), /warehouse \(SQLite\) · 3 rows/);
    await page.locator('.items-card').getByText('sales.csv').waitFor();
    assert.match(await page.getByTestId('timeline').innerText(), /SQL round 1 from warehouse/);
    await shot('sources-sql-round.png');

    // Catalog: column:price finds the SQL-made table only, its matching column chip marked.
    await page.goto(`${server.base}/datasets?q=column:price`);
    const results = page.getByTestId('dataset-results');
    await results.waitFor();
    await page.getByTestId('search-hint').getByText('column:', { exact: true }).waitFor();
    const names = await results.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-dataset')));
    assert.deepEqual(names, [SALES]);
    const chip = results.locator('[data-testid=column-chip][data-value=unit_price]');
    assert.equal(await chip.getAttribute('data-hit'), 'true');
    assert.equal(await chip.locator('mark').innerText(), 'price');
    await shot('sources-catalog-column.png');
    // Clicking a tag chip adds tag: to the query.
    await results.locator('[data-testid=tag-chip][data-value=finance]').click();
    await page.waitForURL(/q=column%3Aprice\+tag%3Afinance|q=column:price\+tag:finance/);
    assert.equal(await page.locator('input[name=q]').inputValue(), 'column:price tag:finance');
    await results.locator('tr[data-dataset=sales-table]').waitFor();
    // With no query every known column is listed; clicking one searches for it.
    await page.goto(`${server.base}/datasets`);
    await results.locator('tr[data-dataset=weather] [data-testid=column-chip][data-value=humidity]').click();
    await page.waitForURL(/q=column/);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=dataset-results] tbody tr')].map((r) => r.getAttribute('data-dataset')).join() === 'weather');
    assert.equal(await results.locator('[data-testid=column-chip][data-value=humidity]').getAttribute('data-hit'), 'true');

    // Diff of the language dataset: the dictionary's terms, entry by entry.
    await page.goto(`${server.base}/projects/${PROJECT}/datasets/${LEXICON}/diff?from=v1&to=v2`);
    const dict = page.locator('[data-testid=dictionary-diff][data-path="dictionary/words.tsv"]');
    await dict.waitFor();
    for (const k of ['added', 'removed', 'changed']) assert.match(await dict.getByTestId(`dictionary-count-${k}`).innerText(), /1/);
    assert.equal((await dict.getByTestId('dictionary-added').innerText()).trim(), '바나나');
    assert.equal((await dict.getByTestId('dictionary-removed').innerText()).trim(), '포도');
    const changed = dict.locator('[data-testid=dictionary-changed] tr[data-term=사과]');
    assert.match(await changed.innerText(), /NNG\s+NNP/);
    await shot('sources-dictionary-diff.png');

    // Quality of v2: 3 entries, one repeated term on line 4.
    await page.goto(`${server.base}/projects/${PROJECT}/datasets/${LEXICON}?tab=quality&version=v2`);
    const dq = page.locator('[data-testid=dictionary-quality] tr[data-path="dictionary/words.tsv"]');
    await dq.waitFor();
    assert.equal((await dq.locator('[data-stat=entries]').innerText()).trim(), '3');
    assert.equal((await dq.locator('[data-stat=duplicates]').innerText()).trim(), '1');
    assert.equal((await dq.locator("[data-stat=lines]").innerText()).trim(), "line 4");
    await shot('sources-dictionary-quality.png');

    // Delete the connection after confirming; the round keeps its record.
    await page.goto(`${server.base}/projects/${PROJECT}?tab=connections`);
    page.once('dialog', (d) => d.accept());
    await page.locator('tr[data-connection=warehouse]').getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('connections').getByText('No connections in this project yet.').waitFor();
    assert.equal((await api('GET', `/api/v1/projects/${PROJECT}/connections`)).connections.length, 0);
    assert.equal((await api('GET', sales)).rounds[0].sources.connection, 'warehouse');

    // A data engineer (data.write, no project.manage) sees connections but cannot add or delete
    // them, and can still run SQL rounds; then the same in Korean.
    await api('POST', `/api/v1/projects/${PROJECT}/connections`, { name: 'warehouse2', kind: 'sqlite', target: dbPath });
    await api('POST', '/api/v1/users', { username: 'dana', password: 'dana-password-1' });
    await api('PUT', `/api/v1/projects/${PROJECT}/members/dana`, { role: 'data-engineer' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await page.fill('input[name=username]', 'dana');
    await page.fill('input[name=password]', 'dana-password-1');
    await page.click('button[type=submit]');
    await page.getByTestId('current-user').waitFor();
    await page.goto(`${server.base}/projects/${PROJECT}?tab=connections`);
    await page.locator('tr[data-connection=warehouse2]').waitFor();
    await page.getByText('Adding or deleting connections needs the project.manage permission').waitFor();
    assert.equal(await page.getByTestId('connection-form').count(), 0, 'no create form without project.manage');
    assert.equal(await page.locator('tr[data-connection=warehouse2]').getByRole('button').count(), 0, 'no delete button');
    await page.goto(`${server.base}/projects/${PROJECT}/datasets/${SALES}?tab=sql`);
    await page.getByTestId('sql-round-form').locator('select[name=sql-connection]').waitFor();
    await page.getByRole('button', { name: '한국어' }).click();
    await page.getByRole('tab', { name: 'SQL에서 가져오기' }).waitFor();
    await page.getByRole('heading', { name: 'SQL 쿼리로 차수 만들기' }).waitFor();
    await page.goto(`${server.base}/projects/${PROJECT}?tab=connections`);
    await page.getByRole('tab', { name: '데이터 연결' }).waitFor();
    await page.getByText('연결을 추가하거나 삭제하려면').waitFor();
    await shot('sources-connections-ko.png');

    assert.deepEqual(pageErrors, [], 'no uncaught page errors');
  } catch (e) {
    await shot('sources-failure.png').catch(() => {});
    throw new Error(`${e.message}\n--- server log ---\n${server.logs.join('').slice(-4000)}`, { cause: e });
  }
});
