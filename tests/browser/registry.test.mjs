// End-to-end test of the model registry UI (REG-1 to REG-3).
//
//   node --test tests/browser/registry.test.mjs
//
// Set up over the API: a project with a task ("auc >= 0.8"), a dataset version, and a run that
// read it, logged auc, and holds a real XGBoost JSON model at model/model.json; the run is
// confirmed as a package. In chromium: run page → "Register model" with a folder that holds
// nothing (the server's 400 shown, nothing created) → the model folder → the link to v1 → its
// signature (inferred from the model: input__0 FP32 [?, 2]), files with roles and hashes, lineage
// (run, experiment, data version links) → staging with a reason (a history row) → alias
// champion → production refused with APPROVAL_REQUIRED (the version stays in staging) → the
// Models tab (counts, stages, alias; a bad filter's 400, a good filter) → Register from the
// package on the Packages tab → v2 with the package in its lineage → v2 to staging archiving v1
// (v1's history names v2) → Korean and back, with no raw i18n keys on screen. Screenshots go to
// tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, browserSession, loginInBrowser } from './harness.mjs';

const PROJECT = 'registry-ui';
const MODEL = 'churn';

// A small but valid XGBoost JSON model header: two features, binary:logistic. The registry reads
// learner_model_param (num_feature, num_class) and the objective; no feature names, so the
// signature is one FP32 tensor input__0 of shape [-1, 2].
const XGB_MODEL = JSON.stringify({
  learner: {
    learner_model_param: { num_feature: '2', num_class: '0', base_score: '5E-1' },
    objective: { name: 'binary:logistic' },
    gradient_booster: { name: 'gbtree', model: { trees: [], tree_info: [], gbtree_model_param: { num_trees: '0' } } },
  },
  version: [2, 0, 3],
});

/** Text on screen that looks like an untranslated key of the registry's namespaces. */
async function rawKeys(page) {
  const text = await page.locator('body').innerText();
  return [...text.matchAll(/\b(registry|projectPage|report|common)\.[A-Za-z][\w.]*/g)].map((m) => m[0]);
}

test('registry UI: register a run model, inspect it, move stages, alias, refuse production', { timeout: 180_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'registry');
  const { api, token } = await adminClient(server.base, password);
  const raw = async (method, path, body) => {
    const res = await fetch(server.base + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
      body,
    });
    assert.equal(res.status, 200, `${method} ${path}: ${await res.text()}`);
  };

  await api('POST', '/api/v1/projects', { name: PROJECT, display_name: 'Registry UI project' });
  await api('POST', `/api/v1/projects/${PROJECT}/tasks`, {
    name: 'churn-task',
    domain: 'tabular',
    problem_type: 'classification',
    acceptance_criteria: 'auc >= 0.8',
  });
  // A dataset version the run read.
  await api('POST', `/api/v1/projects/${PROJECT}/datasets`, { name: 'customers', domain: 'tabular' });
  const up = `/api/v1/projects/${PROJECT}/datasets/customers/uploads`;
  const { upload } = await api('POST', up, {});
  await raw('PUT', `${up}/${upload.id}/parts/1`, 'a,b,y\n1,2,0\n3,4,1\n');
  const { round } = await api('POST', `${up}/${upload.id}/complete`, { format: 'file', filename: 'customers.csv' });
  await api('POST', `/api/v1/projects/${PROJECT}/datasets/customers/versions`, { rounds: [round.number] });
  // The run: a data input, a metric, the model folder.
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
  await raw('PUT', `/api/2.0/mlflow-artifacts/artifacts/${expId}/${runId}/artifacts/notes/readme.txt`, 'not a model\n');
  await api('POST', '/api/2.0/mlflow/runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  const { package: pkg } = await api('POST', `/api/v1/runs/${runId}/confirm`, { task: 'churn-task' });

  const { page, pageErrors, shot } = await openPage();
  try {
    await loginInBrowser(page, server.base, password);

    // ---- Register from the run page.
    await page.goto(`${server.base}/runs/${runId}`);
    await page.getByRole('heading', { name: /xgb-run/ }).waitFor();
    await page.getByRole('button', { name: 'Register model' }).click();
    const form = page.getByTestId('register-form');
    assert.equal(await form.locator('input[name=model-path]').inputValue(), 'model', 'the folder defaults to "model"');
    await form.locator('input[name=model-name]').fill(MODEL);
    // A folder without a model file: the server says so and nothing is created.
    await form.locator('input[name=model-path]').fill('notes');
    await form.getByRole('button', { name: 'Register', exact: true }).click();
    const refused = form.getByTestId('register-error').getByRole('alert');
    await refused.waitFor();
    assert.match(await refused.innerText(), /no model file/i);
    assert.deepEqual((await api('GET', `/api/v1/projects/${PROJECT}/models`)).models, [], 'a refused registration creates nothing');
    await form.locator('input[name=model-path]').fill('model');
    await shot('registry-register-form.png');
    await form.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByTestId('register-done').getByText(`Registered ${MODEL} version 1.`).waitFor();
    await page.getByTestId('new-version-link').click();
    await page.waitForURL(new RegExp(`/models/${MODEL}/versions/1$`));

    // ---- The version page: summary, signature, files, lineage.
    await page.getByTestId('version-title').getByText(`${MODEL} v1`).waitFor();
    assert.equal(await page.locator('[data-testid=version-title] [data-testid=stage-chip]').getAttribute('data-stage'), 'development');
    const summary = page.getByTestId('version-summary');
    await summary.getByText('xgboost').waitFor();
    await summary.getByText(`runs:/${runId}/model`).waitFor();
    const inputs = page.getByTestId('signature-inputs');
    await inputs.locator('tr', { hasText: 'input__0' }).waitFor();
    assert.match(await inputs.locator('tr', { hasText: 'input__0' }).innerText(), /FP32\s+\[\?, 2\]/);
    assert.match(await page.getByTestId('signature-outputs').innerText(), /predict\s+FP32\s+\[\?\]/);
    await page.getByTestId('signature').getByText('Inferred from the model file').waitFor();
    const version = (await api('GET', `/api/v1/models/${MODEL}/versions/1`)).version;
    const modelFile = page.locator('[data-testid=version-files] tr[data-file="model.json"]');
    assert.equal((await modelFile.locator('[data-stat=role]').innerText()).trim(), 'model');
    const sha = version.files.find((f) => f.path === 'model.json').sha256;
    await modelFile.getByText(sha.slice(0, 12), { exact: true }).waitFor();
    const lineage = page.getByTestId('lineage');
    await lineage.getByTestId('lineage-run').getByRole('link', { name: 'xgb-run' }).waitFor();
    assert.equal(
      await lineage.getByTestId('lineage-experiment').getAttribute('href'),
      `/projects/${PROJECT}/experiments/${expId}`,
    );
    const dataLink = lineage.getByTestId('lineage-data').getByRole('link', { name: `${PROJECT}/customers@v1` });
    assert.equal(await dataLink.getAttribute('href'), `/projects/${PROJECT}/datasets/customers/versions/v1`);
    await page.getByTestId('lineage-metrics').locator('tr', { hasText: 'auc' }).waitFor();
    await page.getByText('This version has not changed stage since it was registered.').waitFor();
    await shot('registry-version.png');

    // ---- Staging with a reason: a history row.
    const stageForm = page.getByTestId('stage-form');
    await stageForm.locator('select[name=stage]').selectOption('staging');
    await stageForm.locator('input[name=stage-reason]').fill('passed offline evaluation');
    await stageForm.getByRole('button', { name: 'Move' }).click();
    const historyRow = page.locator('[data-testid=stage-history] tbody tr').first();
    await historyRow.waitFor();
    assert.match(await historyRow.innerText(), /Development\s*→\s*Staging/);
    assert.match(await historyRow.locator('[data-stat=reason]').innerText(), /passed offline evaluation/);
    assert.match(await historyRow.innerText(), /admin/);
    await page.waitForFunction(
      () => document.querySelector('[data-testid=version-title] [data-testid=stage-chip]')?.getAttribute('data-stage') === 'staging',
    );

    // ---- Alias champion.
    const aliasForm = page.getByTestId('alias-form');
    await aliasForm.locator('input[name=alias]').fill('champion');
    await aliasForm.getByRole('button', { name: 'Set alias' }).click();
    await page.getByTestId('version-title').getByText('@champion').waitFor();
    assert.deepEqual((await api('GET', `/api/v1/models/${MODEL}`)).model.aliases, { champion: 1 });
    // A bad alias: the server's message.
    await aliasForm.locator('input[name=alias]').fill('v7');
    await aliasForm.getByRole('button', { name: 'Set alias' }).click();
    await aliasForm.getByRole('alert').getByText(/reserved/).waitFor();
    await aliasForm.locator('input[name=alias]').fill('');

    // ---- Production: offered, and refused by the server with its message.
    await stageForm.locator('select[name=stage]').selectOption('production');
    await stageForm.getByText('the server refuses a direct move', { exact: false }).waitFor();
    await stageForm.getByRole('button', { name: 'Move' }).click();
    const approval = stageForm.getByTestId('approval-required');
    await approval.waitFor();
    const approvalText = await approval.innerText();
    assert.match(approvalText, /Refused: production needs an approved request\./);
    assert.match(approvalText, /approved request/);
    assert.match(approvalText, /APPROVAL_REQUIRED/);
    assert.equal((await api('GET', `/api/v1/models/${MODEL}/versions/1`)).version.stage, 'staging', 'the version stays in staging');
    await shot('registry-production-refused.png');

    // ---- The model page.
    await page.getByRole('navigation', { name: 'breadcrumb' }).getByRole('link', { name: MODEL }).click();
    await page.waitForURL(new RegExp(`/models/${MODEL}$`));
    const v1Row = page.locator('[data-testid=versions-table] tr[data-version="1"]');
    await v1Row.waitFor();
    assert.equal(await v1Row.locator('[data-testid=stage-chip]').getAttribute('data-stage'), 'staging');
    assert.match(await v1Row.innerText(), /xgboost\s+moebius/);
    await v1Row.getByText('@champion').waitFor();
    await page.getByTestId('model-aliases').getByRole('link', { name: 'v1' }).waitFor();

    // ---- The Models tab: counts, stages, aliases; the filter.
    await page.getByRole('navigation', { name: 'breadcrumb' }).getByRole('link', { name: 'Registry UI project' }).click();
    await page.waitForURL(/tab=models/);
    const row = page.locator(`[data-testid=models-table] tr[data-model="${MODEL}"]`);
    await row.waitFor();
    assert.equal((await row.locator('[data-stat=versions]').innerText()).trim(), '1');
    assert.equal((await row.locator('[data-stat=latest]').innerText()).trim(), 'v1');
    assert.match(await row.locator('[data-stat=stages]').innerText(), /Staging\s*1/);
    assert.match(await row.locator('[data-stat=aliases]').innerText(), /@champion → v1/);
    const filter = page.locator('input[name=model-filter]');
    await filter.fill(`name = ${MODEL}`);
    await filter.press('Enter');
    const filterError = page.getByTestId('model-filter-error');
    await filterError.waitFor();
    assert.match(await filterError.innerText(), /quoted string/);
    assert.equal(await page.getByTestId('models-table').count(), 0);
    await shot('registry-models-bad-filter.png');
    await filter.fill("name LIKE 'ch%'");
    await filter.press('Enter');
    await row.waitFor();
    assert.equal(await filterError.count(), 0);
    await filter.fill("name = 'nope'");
    await filter.press('Enter');
    await page.getByText('No model matches the filter.').waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await row.waitFor();
    await shot('registry-models.png');

    // ---- Register from the confirmed package: version 2 with the package in its lineage.
    await page.getByRole('tab', { name: 'Packages' }).click();
    await page.getByTestId('register-package').click();
    const pform = page.getByTestId('register-form');
    await pform.getByText(`From confirmed package #${pkg.id}`).waitFor();
    assert.equal(await pform.locator('input[name=model-name]').inputValue(), 'churn-task', 'the task names the model by default');
    await pform.locator('input[name=model-name]').fill(MODEL);
    await pform.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByTestId('register-done').getByText(`Registered ${MODEL} version 2.`).waitFor();
    await page.getByTestId('new-version-link').click();
    await page.waitForURL(new RegExp(`/models/${MODEL}/versions/2$`));
    const pkgLineage = page.getByTestId('lineage-package');
    await pkgLineage.waitFor();
    assert.match(await pkgLineage.innerText(), new RegExp(`#${pkg.id} · task churn-task · auc >= 0\\.8.*criteria met`));
    await page.getByTestId('version-summary').getByText(`package:${pkg.id}/model`).waitFor();

    // v2 to staging, archiving v1: v1's history says why.
    await stageForm.locator('select[name=stage]').selectOption('staging');
    await stageForm.locator('input[name=archive-existing]').check();
    await stageForm.locator('input[name=stage-reason]').fill('package confirmed');
    await stageForm.getByRole('button', { name: 'Move' }).click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid=version-title] [data-testid=stage-chip]')?.getAttribute('data-stage') === 'staging',
    );
    await page.goto(`${server.base}/models/${MODEL}/versions/v1`);
    const archivedRow = page.locator('[data-testid=stage-history] tbody tr').nth(1);
    await archivedRow.waitFor();
    assert.match(await archivedRow.innerText(), /Staging\s*→\s*Archived/);
    await archivedRow.getByText('Archived when v2 was promoted').waitFor();
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (en)');
    await shot('registry-v1-archived.png');

    // ---- Korean, then back; no raw keys in either language.
    await page.getByRole('button', { name: '한국어' }).click();
    await page.getByRole('heading', { name: '시그니처' }).waitFor();
    await page.getByRole('heading', { name: '계보' }).waitFor();
    await page.getByRole('heading', { name: '단계 이력' }).waitFor();
    assert.equal((await page.locator('[data-testid=version-title] [data-testid=stage-chip]').innerText()).trim(), '보관');
    await page.getByText('v2이(가) 올라가면서 보관됨').waitFor();
    await page.getByTestId('signature-source').getByText('모델 파일에서 추론').waitFor();
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (ko, version page)');
    await shot('registry-version-ko.png');
    await page.goto(`${server.base}/projects/${PROJECT}?tab=models`);
    await page.getByRole('tab', { name: '모델' }).waitFor();
    await page.getByRole('columnheader', { name: '버전 수' }).waitFor();
    await row.waitFor();
    assert.match(await row.locator('[data-stat=stages]').innerText(), /스테이징\s*1/);
    assert.match(await row.locator('[data-stat=stages]').innerText(), /보관\s*1/);
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (ko, models tab)');
    await shot('registry-models-ko.png');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('tab', { name: 'Models' }).waitFor();
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (en, models tab)');

    // ---- A viewer reads the pages but gets no stage, alias or register controls.
    await api('POST', '/api/v1/users', { username: 'vera', password: 'vera-password-1' });
    await api('PUT', `/api/v1/projects/${PROJECT}/members/vera`, { role: 'viewer' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await page.fill('input[name=username]', 'vera');
    await page.fill('input[name=password]', 'vera-password-1');
    await page.click('button[type=submit]');
    await page.getByTestId('current-user').waitFor();
    await page.goto(`${server.base}/models/${MODEL}/versions/2`);
    await page.getByTestId('signature-inputs').waitFor();
    await page.getByTestId('actions-need-permission').getByText('needs the model.register permission', { exact: false }).waitFor();
    assert.equal(await page.getByTestId('version-actions').count(), 0, 'no stage or alias forms without model.register');
    await page.goto(`${server.base}/runs/${runId}`);
    await page.getByRole('heading', { name: /xgb-run/ }).waitFor();
    // The experiment (and so the project) is loaded once the breadcrumb links it.
    await page.getByRole('navigation', { name: 'breadcrumb' }).getByRole('link', { name: 'churn-exp' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Register model' }).count(), 0, 'no Register model without model.register');
    await page.goto(`${server.base}/projects/${PROJECT}?tab=packages`);
    await page.getByTestId('packages').waitFor();
    assert.equal(await page.getByTestId('register-package').count(), 0);

    assert.deepEqual(pageErrors, [], 'no uncaught page errors');
  } catch (e) {
    await shot('registry-failure.png').catch(() => {});
    throw new Error(`${e.message}\n--- server log ---\n${server.logs.join('').slice(-4000)}`, { cause: e });
  }
});
