// End-to-end test of the model card, the lineage graph and Triton repositories in the UI (REG-4,
// INF-4/INF-5's export and import).
//
//   node --test tests/browser/modelcard.test.mjs
//
// Set up over the API as registry.test.mjs does: a project with a task ("auc >= 0.8"), a dataset
// version, a run that read it, logged auc and holds a real XGBoost JSON model at model/model.json,
// confirmed as a package; user rita (approver). In chromium, as admin: the run page → Register
// model → v1's page → the model card (sections in order, "not written yet", the criteria and the
// run's metrics generated) → Edit: a section over 20,000 bytes is refused with the server's 400
// (nothing saved) → the intended use saved and shown, also in Korean → the HTML and PDF documents
// → Export for Triton (the tar downloaded) → the model page's lineage graph (data version,
// experiment, run, package with criteria met, the version; links) → request production. As rita:
// no Edit on the version page (Export still), no Import on the Models tab; the request page shows the card's written section and its metrics
// as evidence; approve. As admin: import the exported tar with one byte of the model file changed
// (the server's problems listed, nothing registered), then the tar as exported (a new version,
// its link, "imported from" in its lineage graph). Screenshots go to tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { adminClient, browserSession, loginInBrowser, signInAs } from './harness.mjs';

const PROJECT = 'card-ui';
const MODEL = 'churn';
const RITA = 'rita-password-1';

const XGB_MODEL = JSON.stringify({
  learner: {
    learner_model_param: { num_feature: '2', num_class: '0', base_score: '5E-1' },
    objective: { name: 'binary:logistic' },
    gradient_booster: { name: 'gbtree', model: { trees: [], tree_info: [], gbtree_model_param: { num_trees: '0' } } },
  },
  version: [2, 0, 3],
});

/** The entries of a ustar archive: {name, offset (of the content), size}. */
function tarEntries(buf) {
  const out = [];
  let off = 0;
  while (off + 512 <= buf.length) {
    const field = (a, b) => buf.subarray(off + a, off + b).toString('utf8').replace(/\0.*$/s, '');
    const name = field(0, 100);
    if (!name) break;
    const prefix = field(345, 500);
    const size = parseInt(field(124, 136).trim() || '0', 8);
    out.push({ name: prefix ? `${prefix}/${name}` : name, offset: off + 512, size });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Text on screen that looks like an untranslated key. */
async function rawKeys(page) {
  const text = await page.locator('body').innerText();
  return [...text.matchAll(/\b(registry|approvals|report|common|runStatus)\.[A-Za-z][\w.]*/g)].map((m) => m[0]);
}

test('model card UI: card, edit, documents, lineage graph, export, approval evidence, import', { timeout: 300_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'modelcard');
  const { api, token } = await adminClient(server.base, password);
  const raw = async (method, path, body) => {
    const res = await fetch(server.base + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
      body,
    });
    assert.equal(res.status, 200, `${method} ${path}: ${await res.text()}`);
  };

  await api('POST', '/api/v1/projects', { name: PROJECT, display_name: 'Model card UI project' });
  await api('POST', `/api/v1/projects/${PROJECT}/tasks`, {
    name: 'churn-task',
    domain: 'tabular',
    problem_type: 'classification',
    acceptance_criteria: 'auc >= 0.8',
  });
  await api('POST', '/api/v1/users', { username: 'rita', password: RITA });
  await api('PUT', `/api/v1/projects/${PROJECT}/members/rita`, { role: 'approver' });
  await api('POST', `/api/v1/projects/${PROJECT}/datasets`, { name: 'customers', domain: 'tabular' });
  const up = `/api/v1/projects/${PROJECT}/datasets/customers/uploads`;
  const { upload } = await api('POST', up, {});
  await raw('PUT', `${up}/${upload.id}/parts/1`, 'a,b,y\n1,2,0\n3,4,1\n');
  const { round } = await api('POST', `${up}/${upload.id}/complete`, { format: 'file', filename: 'customers.csv' });
  await api('POST', `/api/v1/projects/${PROJECT}/datasets/customers/versions`, { rounds: [round.number] });
  const { experiment } = await api('POST', `/api/v1/projects/${PROJECT}/experiments`, { name: 'churn-exp' });
  const expId = experiment.experiment_id;
  const { run } = await api('POST', '/api/2.0/mlflow/runs/create', { experiment_id: expId, run_name: 'xgb-run' });
  const runId = run.info.run_id;
  await api('POST', `/api/v1/runs/${runId}/inputs`, { kind: 'dataset_version', ref: `${PROJECT}/customers@v1` });
  await api('POST', '/api/2.0/mlflow/runs/log-batch', {
    run_id: runId,
    metrics: [{ key: 'auc', value: 0.91, timestamp: Date.now(), step: 0 }],
  });
  await raw('PUT', `/api/2.0/mlflow-artifacts/artifacts/${expId}/${runId}/artifacts/model/model.json`, XGB_MODEL);
  await api('POST', '/api/2.0/mlflow/runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  const { package: pkg } = await api('POST', `/api/v1/runs/${runId}/confirm`, { task: 'churn-task' });

  const { page, pageErrors, shot } = await openPage();
  try {
    await loginInBrowser(page, server.base, password);

    // ---- Register the package's model from the Packages tab (its lineage then carries the package).
    await page.goto(`${server.base}/projects/${PROJECT}?tab=packages`);
    await page.getByTestId('register-package').click();
    const rform = page.getByTestId('register-form');
    await rform.getByText(`From confirmed package #${pkg.id}`).waitFor();
    await rform.locator('input[name=model-name]').fill(MODEL);
    await rform.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByTestId('register-done').getByText(`Registered ${MODEL} version 1.`).waitFor();
    await page.getByTestId('new-version-link').click();
    await page.waitForURL(new RegExp(`/models/${MODEL}/versions/1$`));

    // ---- The card: nine sections in order, written text or a note, generated blocks.
    const card = page.getByTestId('model-card');
    await card.locator('[data-section=details] h3').waitFor();
    assert.equal(await card.getAttribute('data-lang'), 'en');
    const keys = await card.locator('.card-section').evaluateAll((els) => els.map((e) => e.getAttribute('data-section')));
    assert.deepEqual(keys, [
      'details',
      'intended_use',
      'factors',
      'metrics',
      'evaluation_data',
      'training_data',
      'quantitative_analyses',
      'ethical_considerations',
      'caveats_recommendations',
    ]);
    const intended = card.locator('[data-section=intended_use]');
    assert.equal((await intended.locator('h3').innerText()).trim(), '2. Intended use');
    await intended.getByTestId('card-not-written').getByText('Not written yet.').waitFor();
    const metrics = card.locator('[data-section=metrics]');
    assert.match(await metrics.innerText(), /auc >= 0\.8\s+0\.91\s+passed/);
    await card.locator('[data-section=training_data]').getByText(`${PROJECT}/customers@v1`).waitFor();
    await card.locator('[data-section=details]').getByText(`xgb-run (${runId})`).waitFor();
    await shot('modelcard-version.png');

    // ---- Edit: a section over the server's limit is refused with its message, nothing saved.
    await card.getByTestId('card-edit').click();
    const editor = card.getByTestId('card-editor');
    await editor.locator('textarea[name=card-caveats_recommendations]').fill('x'.repeat(20_001));
    await editor.getByRole('button', { name: 'Save card' }).click();
    const saveError = editor.getByTestId('card-save-error').getByRole('alert');
    await saveError.waitFor();
    assert.match(await saveError.innerText(), /section 'caveats_recommendations' is longer than 20,000 bytes/);
    assert.match(await saveError.innerText(), /INVALID_PARAMETER_VALUE/);
    let stored = (await api('GET', `/api/v1/models/${MODEL}/versions/1/card?lang=en`)).card;
    assert.ok(stored.sections.every((s) => s.text === ''), 'a refused save writes nothing');
    // The intended use, saved and shown.
    const USE = 'Scores churn risk for the retention team, weekly, for customers active in the last 90 days.';
    await editor.locator('textarea[name=card-caveats_recommendations]').fill('');
    await editor.locator('textarea[name=card-intended_use]').fill(USE);
    await shot('modelcard-edit.png');
    await editor.getByRole('button', { name: 'Save card' }).click();
    await intended.getByTestId('card-written').getByText(USE).waitFor();
    assert.equal(await card.getByTestId('card-editor').count(), 0, 'the editor closes after saving');
    assert.match(await intended.innerText(), /Written by admin/);
    await card.locator('[data-section=caveats_recommendations]').getByText('Not written yet.').waitFor();
    stored = (await api('GET', `/api/v1/models/${MODEL}/versions/1/card?lang=en`)).card;
    const storedUse = stored.sections.find((s) => s.key === 'intended_use');
    assert.equal(storedUse.text, USE);
    assert.equal(storedUse.updated_by, 'admin');
    assert.equal(stored.sections.find((s) => s.key === 'caveats_recommendations').text, '');

    // ---- The card in Korean (the toggle), and the documents.
    await card.getByTestId('card-lang').getByRole('button', { name: 'KO', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid=model-card]')?.getAttribute('data-lang') === 'ko');
    await intended.locator('h3').getByText('2. 사용 목적').waitFor();
    await intended.getByText(USE).waitFor();
    await card.locator('[data-section=metrics] h3').getByText('4. 평가 지표').waitFor();
    const htmlHref = await card.getByTestId('card-html').getAttribute('href');
    assert.equal(htmlHref, `/api/v1/models/${MODEL}/versions/1/card?format=html&lang=ko&download=1`);
    const html = await page.request.get(server.base + htmlHref);
    assert.equal(html.status(), 200);
    assert.match(html.headers()['content-type'], /text\/html/);
    assert.match(html.headers()['content-disposition'], /attachment; filename="model-card-churn-v1-ko\.html"/);
    assert.ok((await html.text()).includes(USE), 'the HTML document carries the written text');
    await card.getByTestId('card-lang').getByRole('button', { name: 'EN', exact: true }).click();
    await intended.locator('h3').getByText('2. Intended use').waitFor();
    const pdfHref = await card.getByTestId('card-pdf').getAttribute('href');
    assert.equal(pdfHref, `/api/v1/models/${MODEL}/versions/1/card?format=pdf&lang=en&download=1`);
    const pdf = await page.request.get(server.base + pdfHref);
    if (pdf.status() === 200) {
      assert.equal(pdf.headers()['content-type'], 'application/pdf');
      assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');
    } else {
      // The server answers 503 when the report font is not installed; the link is still the right one.
      assert.equal(pdf.status(), 503, await pdf.text());
    }

    // ---- Export for Triton: the tar, downloaded with the session.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-triton').click()]);
    assert.equal(download.suggestedFilename(), `${MODEL}-v1-triton.tar`);
    const exported = readFileSync(await download.path());
    const entries = tarEntries(exported);
    assert.deepEqual(entries.map((e) => e.name).sort(), [`${MODEL}/1/xgboost.json`, `${MODEL}/config.pbtxt`, 'moebius-repository.json']);

    // ---- The model page: the lineage graph.
    await page.getByRole('navigation', { name: 'breadcrumb' }).getByRole('link', { name: 'Model card UI project' }).waitFor();
    await page.getByRole('navigation', { name: 'breadcrumb' }).getByRole('link', { name: MODEL, exact: true }).click();
    await page.waitForURL(new RegExp(`/models/${MODEL}$`));
    const graph = page.getByTestId('lineage-graph');
    await graph.waitFor();
    const kinds = await graph.locator('[data-kind]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    assert.deepEqual(kinds, ['data', 'experiment', 'run', 'package', 'version']);
    assert.equal(await graph.getByTestId('lineage-node-data').getAttribute('href'), `/projects/${PROJECT}/datasets/customers/versions/v1`);
    assert.equal(await graph.getByTestId('lineage-node-experiment').getAttribute('href'), `/projects/${PROJECT}/experiments/${expId}`);
    assert.equal(await graph.getByTestId('lineage-node-package').getAttribute('href'), `/projects/${PROJECT}?tab=packages`);
    assert.equal(await graph.getByTestId('lineage-node-version').getAttribute('href'), `/models/${MODEL}/versions/1`);
    assert.match(await graph.locator('[data-kind=package]').textContent(), /#\d+ · churn-taskauc >= 0\.8 · criteria met/);
    assert.match((await graph.locator('[data-kind=package]').getAttribute('class')) ?? '', /lineage-node--pass/);
    assert.equal(await graph.locator('path.dag-edge').count(), 4);
    await shot('modelcard-lineage-graph.png');
    await graph.getByTestId('lineage-node-run').click();
    await page.waitForURL(new RegExp(`/runs/${runId}$`));
    await page.getByRole('heading', { name: /xgb-run/ }).waitFor();

    // ---- Request production for v1.
    await page.goto(`${server.base}/models/${MODEL}/versions/1`);
    const requestForm = page.getByTestId('request-form');
    await requestForm.locator('textarea[name=request-reason]').fill('auc 0.91; card written');
    await requestForm.getByRole('button', { name: 'Request production' }).click();
    await page.getByTestId('request-created').waitFor();
    const { requests } = await api('GET', '/api/v1/approvals?state=pending');
    assert.equal(requests.length, 1);
    const reqId = requests[0].id;

    // ---- rita (approver): reads the card without an Edit button; the request page shows it as evidence.
    await signInAs(page, 'rita', RITA);
    await page.goto(`${server.base}/models/${MODEL}/versions/1`);
    await card.locator('[data-section=intended_use]').getByText(USE).waitFor();
    assert.equal(await card.getByTestId('card-edit').count(), 0, 'no Edit without model.register');
    await page.getByTestId('export-triton').waitFor();
    await page.goto(`${server.base}/projects/${PROJECT}?tab=models`);
    await page.locator(`[data-testid=models-table] tr[data-model="${MODEL}"]`).waitFor();
    assert.equal(await page.getByTestId('import-repository').count(), 0, 'no import without model.register');
    await page.goto(`${server.base}/approvals/${reqId}`);
    const evidence = page.getByTestId('card-evidence');
    await evidence.locator('[data-section=intended_use]').getByText(USE).waitFor();
    const shown = await evidence.locator('.card-section').evaluateAll((els) => els.map((e) => e.getAttribute('data-section')));
    assert.deepEqual(shown, ['intended_use', 'metrics'], 'the written sections and the metrics section');
    assert.match(await evidence.locator('[data-section=metrics]').innerText(), /auc >= 0\.8\s+0\.91\s+passed/);
    assert.equal(await evidence.getByTestId('card-nothing-written').count(), 0);
    await shot('modelcard-approval-evidence.png');
    const review = page.getByTestId('review-form');
    await review.locator('textarea[name=review-comment]').fill('card and metrics read');
    await review.getByRole('button', { name: 'Approve' }).click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid=request-title] [data-testid=request-state]')?.getAttribute('data-state') === 'approved',
    );
    assert.equal((await api('GET', `/api/v1/models/${MODEL}/versions/1`)).version.stage, 'production');
    // The card follows: its details say production now.
    await evidence.locator('[data-section=intended_use]').getByText(USE).waitFor();
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (request page)');

    // ---- admin: import the exported tar with one byte of the model file changed → the problems.
    await signInAs(page, 'admin', password);
    const modelEntry = entries.find((e) => e.name.endsWith('/xgboost.json'));
    const bad = Buffer.from(exported);
    // Inside the JSON's "learner" key: the file still parses, but no longer matches its hash.
    bad[modelEntry.offset + 3] ^= 0x01;
    await page.goto(`${server.base}/projects/${PROJECT}?tab=models`);
    await page.getByTestId('import-repository').click();
    const iform = page.getByTestId('import-form');
    // Nothing chosen: the form says so, nothing is sent.
    await iform.getByRole('button', { name: 'Import', exact: true }).click();
    await iform.getByText('Choose the repository archive.').waitFor();
    await iform.locator('input[name=repository-file]').setInputFiles({ name: 'changed.tar', mimeType: 'application/x-tar', buffer: bad });
    await iform.locator('input[name=import-model]').fill('churn-copy');
    await iform.getByRole('button', { name: 'Import', exact: true }).click();
    const problems = iform.getByTestId('import-problems');
    await problems.waitFor();
    const listed = await problems.locator('li').allInnerTexts();
    assert.ok(listed.length >= 1, 'at least one problem listed');
    assert.ok(
      listed.some((p) => p.includes(`${MODEL}/1/xgboost.json does not match the manifest`)),
      `the changed file is named: ${listed.join(' | ')}`,
    );
    assert.match(await iform.getByTestId('import-error').innerText(), /INVALID_REPOSITORY/);
    assert.match(await iform.getByTestId('import-error').innerText(), new RegExp(`The server found ${listed.length} problems?; nothing was registered`));
    assert.deepEqual(
      (await api('GET', `/api/v1/projects/${PROJECT}/models`)).models.map((m) => m.name),
      [MODEL],
      'a refused import registers nothing',
    );
    await shot('modelcard-import-problems.png');

    // ---- The tar as exported: a new model's version, linked.
    await iform.locator('input[name=repository-file]').setInputFiles({ name: 'churn.tar', mimeType: 'application/x-tar', buffer: exported });
    await iform.getByRole('button', { name: 'Import', exact: true }).click();
    const done = page.getByTestId('import-done');
    await done.getByText('Registered 1 version.').waitFor();
    await shot('modelcard-import-done.png');
    await done.getByRole('link', { name: 'churn-copy v1' }).click();
    await page.waitForURL(/\/models\/churn-copy\/versions\/1$/);
    const copy = (await api('GET', '/api/v1/models/churn-copy/versions/1')).version;
    const original = (await api('GET', `/api/v1/models/${MODEL}/versions/1`)).version;
    assert.equal(copy.content_sha256, original.content_sha256, 'the same bytes');
    // The breadcrumb gains the project's link once the project is loaded; click after that.
    const crumbs = page.getByRole('navigation', { name: 'breadcrumb' });
    await crumbs.getByRole('link', { name: 'Model card UI project' }).waitFor();
    await crumbs.getByRole('link', { name: 'churn-copy' }).click();
    await page.waitForURL(/\/models\/churn-copy$/);
    const copyGraph = page.getByTestId('lineage-graph');
    await copyGraph.locator('[data-kind=imported]').waitFor();
    assert.match(await copyGraph.locator('[data-kind=imported]').textContent(), new RegExp(`${MODEL} v1`));
    await page.getByTestId('model-lineage').locator('select[name=lineage-version]').waitFor();

    // ---- Korean: no raw keys on the model page and the version page.
    await page.getByRole('button', { name: '한국어' }).first().click();
    await page.getByRole('heading', { name: '계보 그래프' }).waitFor();
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (ko, model page)');
    await page.goto(`${server.base}/models/${MODEL}/versions/1`);
    await page.getByTestId('model-card').getByRole('heading', { name: '모델 카드' }).waitFor();
    await page.getByTestId('export-triton').getByText('Triton용 내보내기').waitFor();
    await page.getByTestId('model-card').locator('[data-section=intended_use] h3').getByText('2. 사용 목적').waitFor();
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (ko, version page)');
    await shot('modelcard-version-ko.png');
    await page.getByRole('button', { name: 'English' }).first().click();
    await page.getByRole('heading', { name: 'Model card' }).waitFor();

    // ---- Retirement (REG-6): the copy retired through an approved request (over the API, rita
    // approving); its page says so, links the request and offers no export.
    const retire = await api('POST', `/api/v1/models/churn-copy/versions/1/requests`, { kind: 'retire', reason: 'a copy for the test' });
    const ritaLogin = await fetch(`${server.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'rita', password: RITA }),
    });
    const ritaToken = (await ritaLogin.json()).token;
    const approved = await fetch(`${server.base}/api/v1/approvals/${retire.request.id}/approve`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ritaToken}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(approved.status, 200, await approved.text());
    await page.goto(`${server.base}/models/churn-copy/versions/1`);
    await page.getByTestId('version-retired').waitFor();
    assert.match(await page.getByTestId('retirement-record').innerText(), /rita.*a copy for the test/s);
    assert.equal(await page.getByTestId('export-triton').count(), 0, 'a retired version offers no export');

    assert.deepEqual(pageErrors, [], 'no uncaught page errors');
  } catch (e) {
    await shot('modelcard-failure.png').catch(() => {});
    throw new Error(`${e.message}\n--- server log ---\n${server.logs.join('').slice(-4000)}`, { cause: e });
  }
});
