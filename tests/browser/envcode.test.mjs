// End-to-end test of the Environments and Code tabs (PRJ-6, PRJ-7) in chromium.
//
//   node --test tests/browser/envcode.test.mjs
//
// Project → Environments tab (empty) → New environment: a parameters typo is the form's own
// message; then an inference environment with an image, resources, a plain and a secret variable,
// parameters and a reference path → its detail shows everything, the secret masked (and the API
// never returns its value) → Edit: the secret is kept without retyping, the new revision shows in
// the revisions list, revision 1 is still readable. A snapshot pushed through the API (as
// `moebius code push` does) → Code tab: the list, the file tree, a file's content, the run that
// used it → that run's page shows the snapshot and the environment and links back to the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, browserSession, buildTar, loginInBrowser, serverHasFlag } from './harness.mjs';

const PROJECT = 'envcode-ui';
const SECRET = 'very-secret-token-42';

test('environments and code snapshots in the UI', { timeout: 180_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'envcode', { args: serverHasFlag('--workers') ? ['--workers', '0'] : [] });
  const { api, token } = await adminClient(server.base, password);
  await api('POST', '/api/v1/projects', { name: PROJECT, display_name: 'Env and code' });
  const { page, pageErrors, shot } = await openPage();
  try {
    await loginInBrowser(page, server.base, password);
    await page.goto(`${server.base}/projects/${PROJECT}`);
    await page.getByRole('tab', { name: 'Environments' }).click();
    await page.waitForURL(/tab=environments/);
    await page.getByTestId('environments').getByText('No environments yet.').waitFor();

    // Create: the form's own problem first, then a full environment.
    await page.getByRole('button', { name: 'New environment' }).click();
    const form = page.getByTestId('env-form');
    await form.locator('input[name=env-name]').fill('serve-prod');
    await form.locator('select[name=env-kind]').selectOption('inference');
    await form.locator('input[name=env-image]').fill('registry.example.com/ml/serve:2.1');
    await form.locator('input[name=env-cpus]').fill('2');
    await form.locator('input[name=env-memory]').fill('2048');
    await form.locator('textarea[name=env-parameters]').fill('{"threshold": 0.7');
    await form.getByTestId('env-add-var').click();
    await form.locator('input[name=env-var-name-0]').fill('GREETING');
    await form.locator('input[name=env-var-value-0]').fill('hello');
    await form.getByTestId('env-add-var').click();
    await form.locator('input[name=env-var-name-1]').fill('API_TOKEN');
    await form.locator('input[name=env-var-secret-1]').check();
    await form.locator('input[name=env-var-value-1]').fill(SECRET);
    assert.equal(await form.locator('input[name=env-var-value-1]').getAttribute('type'), 'password', 'a secret is typed blind');
    await form.locator('textarea[name=env-references]').fill('vocab=/srv/ref/vocab.txt');
    await form.locator('input[name=env-message]').fill('first');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    assert.equal((await form.getByTestId('env-problem').innerText()).trim(), 'Parameters are not valid JSON.');
    await form.locator('textarea[name=env-parameters]').fill('{"threshold": 0.7}');
    await form.getByRole('button', { name: 'Create', exact: true }).click();

    const detail = page.getByTestId('env-detail');
    await detail.getByText('revision 1 of 1').waitFor();
    const row = page.locator('[data-testid=env-table] tr[data-env="serve-prod"]');
    await row.waitFor();
    assert.match(await row.innerText(), /Inference/);
    assert.match(await row.innerText(), /2 CPU, 2048 MiB, 0 GPU/);
    const vars = await detail.getByTestId('env-variables').innerText();
    assert.match(vars, /GREETING\s+hello/);
    assert.match(vars, /API_TOKEN\s+•+ \(secret\)/);
    assert.ok(!(await page.content()).includes(SECRET), 'the secret is not on the page');
    assert.match(await detail.innerText(), /registry\.example\.com\/ml\/serve:2\.1/);
    assert.match(await detail.innerText(), /vocab → \/srv\/ref\/vocab\.txt/);
    const stored = (await api('GET', `/api/v1/projects/${PROJECT}/environments/serve-prod`)).environment;
    assert.deepEqual(stored.parameters, { threshold: 0.7 });
    assert.equal(stored.variables.find((v) => v.name === 'API_TOKEN').value, null);
    await shot('envcode-environment.png');

    // Edit: change the greeting, leave the secret alone → revision 2 keeps it.
    await detail.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByTestId('env-form');
    assert.equal(await edit.locator('input[name=env-var-value-1]').inputValue(), '', 'the secret is not sent to the form');
    assert.equal(await edit.locator('input[name=env-var-value-1]').getAttribute('placeholder'), 'unchanged (type to replace)');
    await edit.locator('input[name=env-var-value-0]').fill('hi again');
    await edit.locator('input[name=env-message]').fill('friendlier');
    await edit.getByRole('button', { name: 'Save as new revision' }).click();
    await detail.getByText('revision 2 of 2').waitFor();
    assert.match(await detail.getByTestId('env-variables').innerText(), /GREETING\s+hi again/);
    const revs = detail.getByTestId('env-revisions');
    await revs.getByText('revision 1').waitFor();
    assert.match(await revs.innerText(), /revision 2[^\n]*\n?[^\n]*admin[^\n]*\n?[^\n]*friendlier/);
    // The secret survived the edit: a job submitted now would get it (the API pins revision 2).
    const job = await api('POST', `/api/v1/projects/${PROJECT}/jobs`, { payload: { command: ['true'], environment: 'serve-prod' } });
    assert.equal(job.job.payload.environment_revision, 2);
    assert.deepEqual(job.job.resources, { cpus: 2, memory_mb: 2048, gpus: 0 });
    await revs.getByText('revision 1').click();
    await detail.getByText('revision 1 of 2').waitFor();
    assert.match(await detail.getByTestId('env-variables').innerText(), /GREETING\s+hello/);
    await shot('envcode-revisions.png');

    // A code snapshot pushed through the API, and a run that used it.
    const tar = buildTar({ 'train.py': 'print("training")\n', 'lib/util.py': 'HELPER = 1\n', 'README.md': '# code\n' });
    const pushed = await fetch(`${server.base}/api/v1/projects/${PROJECT}/code?message=first%20push`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-tar' },
      body: tar,
    });
    assert.equal(pushed.status, 200, await pushed.clone().text());
    const snap = (await pushed.json()).snapshot;
    const exp = (await api('POST', `/api/v1/projects/${PROJECT}/experiments`, { name: 'exp' })).experiment;
    const run = (await api('POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp.experiment_id, run_name: 'uses-code' })).run;
    await api('POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: run.info.run_id,
      tags: [
        { key: 'moebius.code_snapshot', value: snap.id },
        { key: 'moebius.environment', value: 'serve-prod' },
        { key: 'moebius.environment_revision', value: '2' },
      ],
    });

    await page.getByRole('tab', { name: 'Code' }).click();
    await page.waitForURL(/tab=code/);
    const snapRow = page.locator(`[data-testid=code-table] tr[data-snapshot="${snap.id}"]`);
    await snapRow.waitFor();
    assert.match(await snapRow.innerText(), /first push/);
    await snapRow.getByRole('button', { name: snap.id.slice(0, 12) }).click();
    const code = page.getByTestId('code-detail');
    await code.getByText(snap.id).waitFor();
    const tree = code.getByTestId('code-tree');
    assert.deepEqual(await tree.locator('button[data-file]').evaluateAll((els) => els.map((e) => e.dataset.file)), [
      'lib/util.py',
      'README.md',
      'train.py',
    ]);
    await tree.locator('button[data-file="train.py"]').click();
    await code.getByTestId('code-file').getByText('print("training")').waitFor();
    await tree.locator('button[data-file="lib/util.py"]').click();
    await code.getByTestId('code-file').getByText('HELPER = 1').waitFor();
    await code.getByTestId('code-runs').getByRole('link', { name: 'uses-code' }).waitFor();
    await shot('envcode-code.png');

    // The run page names its code and environment and links back.
    await code.getByTestId('code-runs').getByRole('link', { name: 'uses-code' }).click();
    await page.waitForURL(/\/runs\//);
    const card = page.getByTestId('run-context');  // the run's context names its environment and code
    await card.waitFor();
    assert.match(await card.innerText(), /serve-prod\s+revision 2/);
    await card.getByRole('link', { name: snap.id.slice(0, 12) }).click();
    await page.waitForURL(/tab=code&snapshot=/);
    await page.getByTestId('code-detail').getByText(snap.id).waitFor();
    assert.deepEqual(pageErrors, []);
  } catch (e) {
    await shot('envcode-failure.png').catch(() => {});
    throw e;
  }
});
