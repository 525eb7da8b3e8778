// End-to-end test of deployment strategies in the UI (docs/design/serving.md, issue 13).
//
//   node --test tests/browser/deploy-strategies.test.mjs
//
// Set up over the API (deploy-setup.mjs): a project, two registered versions of a real XGBoost JSON
// model and a deployment churn-live. In chromium, as admin: a deployment created from the project's
// Deployments tab (staging, churn v1 as "stable") → a canary refused by the server (a variant name
// taken) with its message inline → a canary of v2 at 20% (its percent, steps and next step on the
// page, the split 80/20) → Roll back → a blue-green switch to v2 (the previous variant warm at weight
// 0 until a time shown) → Roll back → guardrails and a 100% capture rate set (a guardrail window the
// form refuses first) → a canary whose variant fails every request, rolled back by its guardrail
// (the history row automatic, by moebius, with the guardrail's reason) → a canary promoted on its
// own schedule → inferences sent over the v2 API appear in the captured requests with their ids,
// live rates and percentiles move → feedback attached from the page shows on its row and under
// "with feedback only" → the labels in Korean → churn-live deleted after a confirmation → a viewer
// reads the settings and captures with no controls.
// Screenshots go to tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, browserSession, loginInBrowser, signInAs } from './harness.mjs';
import { setUpDeployment, weightsOf } from './deploy-setup.mjs';

const PROJECT = 'strat-ui';
const MODEL = 'churn';
const SEED = 'churn-live';
const D = 'churn-strat';
const VERA = 'vera-password-1';

/** Fills the inputs of `form` named by the keys of `values`. */
async function fillIn(form, values) {
  for (const [name, value] of Object.entries(values)) await form.locator(`input[name=${name}]`).fill(value);
}

/** Fills the canary form (version 2 of the model, a name, steps, interval) and submits it. */
async function submitCanary(form, { name, steps, interval, reason = '' }) {
  await form.locator('select[name=canary-version] option[value="2"]').waitFor({ state: 'attached' });
  await form.locator('select[name=canary-version]').selectOption('2');
  await fillIn(form, { 'canary-name': name, 'canary-steps': steps, 'canary-interval': interval, 'canary-reason': reason });
  await form.getByRole('button', { name: 'Start canary' }).click();
}

async function rawKeys(page) {
  const text = await page.locator('body').innerText();
  return [...text.matchAll(/\b(serving|registry|common)\.[A-Za-z][\w.-]*/g)].map((m) => m[0]);
}

test('deployment strategies UI: create, canary, blue-green, guardrails, captures, feedback, delete', { timeout: 300_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'deploy-strategies');
  const { api, token } = await adminClient(server.base, password);
  await setUpDeployment(server.base, token, api, { project: PROJECT, model: MODEL, deployment: SEED });
  // One v2 inference over the API; answers the status and X-Moebius-Request-Id.
  const infer = async (path, body) => {
    const res = await fetch(`${server.base}/v2/models/${D}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.text();
    return { status: res.status, id: res.headers.get('X-Moebius-Request-Id'), variant: res.headers.get('X-Moebius-Variant') };
  };
  const row = (features, id) => ({ id, inputs: [{ name: 'input__0', shape: [1, 2], datatype: 'FP32', data: features }] });

  const { page, pageErrors, shot } = await openPage();
  page.on('dialog', (dialog) => dialog.accept());
  try {
    await loginInBrowser(page, server.base, password);

    // ---- Create a deployment from the project's Deployments tab.
    await page.goto(`${server.base}/projects/${PROJECT}?tab=deployments`);
    await page.getByTestId('new-deployment').click();
    const create = page.getByTestId('create-deployment-form');
    await create.locator('input[name=deployment-name]').fill(D);
    await create.locator('select[name=deployment-environment]').selectOption('staging');
    await create.locator('input[name=deployment-description]').fill('Strategies from the UI');
    await create.getByRole('button', { name: 'Create deployment' }).click();
    await create.getByText('Choose a model and a version.').waitFor();
    await create.locator('select[name=create-model]').selectOption(MODEL);
    await create.locator('select[name=create-version] option[value="1"]').waitFor({ state: 'attached' });
    await create.locator('select[name=create-version]').selectOption('1');
    await create.locator('input[name=create-name]').fill('stable');
    await create.getByRole('button', { name: 'Create deployment' }).click();
    await page.waitForURL(new RegExp(`/deployments/${D}$`));
    await page.getByTestId('deployment-name').getByText(D).waitFor();
    const variants = page.getByTestId('variants-table');
    await variants.locator('tr[data-variant=stable]').waitFor();
    assert.deepEqual(await weightsOf(variants), [['stable', '100']]);
    assert.match(await page.getByTestId('deployment-name').innerText(), /staging/);
    const history = page.getByTestId('deployment-history');
    const newest = () => history.locator('tbody tr').first();

    // ---- A canary: the server's refusal inline, then v2 at 20%.
    await page.getByRole('tab', { name: 'Strategy' }).click();
    const canary = page.getByTestId('canary-form');
    await submitCanary(canary, { name: 'stable', steps: '20, 60', interval: '600' });
    const refused = canary.getByTestId('canary-error').getByRole('alert');
    await refused.waitFor();
    assert.match(await refused.innerText(), /already has a variant 'stable'/);
    await submitCanary(canary, { name: 'next', steps: '20, 10', interval: '600' });
    await canary.getByTestId('canary-problem').waitFor();
    await submitCanary(canary, { name: 'next', steps: '20, 60', interval: '600', reason: 'try v2' });
    const status = page.getByTestId('strategy-status');
    await status.getByTestId('canary-percent').getByText('20%').waitFor();
    assert.match(await status.getByTestId('canary-status').innerText(), /Canary next running/);
    assert.deepEqual(
      await status.locator('[data-testid=canary-steps] .canary-step').evaluateAll((els) => els.map((e) => [e.textContent, e.dataset.state])),
      [
        ['20%', 'current'],
        ['60%', 'next'],
        ['100%', 'next'],
      ],
    );
    assert.match(await status.getByTestId('canary-next').innerText(), /Next step to 60% at .+ \(in (9|10) min \d\d s\)/);
    await page.getByTestId('canary-running-note').waitFor();
    assert.equal(await page.getByTestId('canary-form').count(), 0);
    await shot('strategies-canary.png');
    await page.getByRole('tab', { name: 'Overview' }).click();
    await variants.locator('tr[data-variant=next]').waitFor();
    assert.deepEqual(
      await variants.locator('tbody tr [data-stat=share]').allInnerTexts(),
      ['80%', '20%'],
    );
    assert.equal(await newest().getAttribute('data-action'), 'canary-start');
    assert.match(await newest().innerText(), /Canary started\s+admin.*try v2/s);

    // ---- Roll back the canary from its status.
    await status.getByTestId('strategy-rollback').click();
    await status.waitFor({ state: 'detached' });
    await variants.locator('tr[data-variant=next]').waitFor({ state: 'detached' });
    assert.deepEqual(await weightsOf(variants), [['stable', '100']]);
    await history.locator('tbody tr[data-action=rollback]').waitFor();

    // ---- Blue-green: switch to v2, the previous variant warm at weight 0, then Roll back.
    await page.getByRole('tab', { name: 'Strategy' }).click();
    const sw = page.getByTestId('switch-form');
    await sw.locator('select[name=switch-version] option[value="2"]').waitFor({ state: 'attached' });
    await sw.locator('select[name=switch-version]').selectOption('2');
    await sw.locator('input[name=switch-name]').fill('green');
    await sw.locator('input[name=switch-keep]').fill('900');
    await sw.getByRole('button', { name: 'Switch' }).click();
    await status.getByTestId('switch-status').waitFor();
    assert.match(await status.getByTestId('switch-keep-until').innerText(), /stable kept warm until .+ \(in 1[45] min \d\d s\)/);
    await page.getByRole('tab', { name: 'Overview' }).click();
    await variants.locator('tr[data-variant=green]').waitFor();
    assert.deepEqual(await weightsOf(variants), [
      ['stable', '0'],
      ['green', '100'],
    ]);
    assert.equal(await newest().getAttribute('data-action'), 'switch');
    await shot('strategies-switch.png');
    await status.getByTestId('strategy-rollback').click();
    await variants.locator('tr[data-variant=green]').waitFor({ state: 'detached' });
    assert.deepEqual(await weightsOf(variants), [['stable', '100']]);
    assert.equal(await status.count(), 0);

    // ---- Guardrails and capture rate: the form's check, then saved.
    await page.getByRole('tab', { name: 'Strategy' }).click();
    const policy = page.getByTestId('policy-form');
    await fillIn(policy, { 'capture-rate': '100', 'guard-error-rate': '20', 'guard-window': '4', 'guard-min-requests': '5' });
    await policy.getByRole('button', { name: 'Save settings' }).click();
    await policy.getByTestId('policy-problem').getByText('The guardrail window must be from 5 to 300 seconds.').waitFor();
    await fillIn(policy, { 'guard-window': '10', 'policy-reason': 'guard the canaries' });
    await policy.getByRole('button', { name: 'Save settings' }).click();
    const summary = page.getByTestId('policy-summary');
    await summary.locator('[data-stat=guardrails]').getByText('error rate ≤ 20% · over 10 s, from 5 requests').waitFor();
    assert.equal((await summary.locator('[data-stat=capture-rate]').innerText()).trim(), '100%');
    const stored = (await api('GET', `/api/v1/deployments/${D}`)).deployment.policy;
    assert.deepEqual(stored.guardrails, { max_error_rate: 0.2, max_p99_ms: null, window_s: 10, min_requests: 5 });
    assert.equal(stored.capture_rate, 1);

    // ---- A canary whose variant fails every request: its guardrail rolls it back.
    await submitCanary(canary, { name: 'broken', steps: '50', interval: '600' });
    await status.getByTestId('canary-percent').getByText('50%').waitFor();
    for (let i = 0; i < 10; i++) {
      // Three features where the model takes two: the variant answers 400 and counts a failure
      // (404 once the guardrail has taken the variant away).
      const r = await infer('/versions/broken/infer', { inputs: [{ name: 'input__0', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] });
      assert.ok([400, 404].includes(r.status), `status ${r.status}`);
    }
    await status.waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByRole('tab', { name: 'Overview' }).click();
    const auto = history.locator('tbody tr[data-action=auto-rollback]');
    await auto.waitFor();
    assert.equal(await auto.getAttribute('data-actor'), 'moebius');
    assert.match(await auto.innerText(), /Rolled back by guardrail\s+moebius\s*automatic/);
    assert.match(await auto.locator('[data-stat=reason]').innerText(), /guardrail: variant 'broken' failed 100\.0% of \d+ requests over 10 s \(limit 20\.0%\)/);
    assert.deepEqual(await weightsOf(variants), [['stable', '100']]);
    await shot('strategies-guardrail.png');

    // ---- A canary promoted on its own schedule (one step, one second): automatic history rows.
    await page.getByRole('tab', { name: 'Strategy' }).click();
    await submitCanary(canary, { name: 'v2', steps: '50', interval: '1' });
    await page.getByRole('tab', { name: 'Overview' }).click();
    const promoted = history.locator('tbody tr[data-action=canary-promote]');
    await promoted.waitFor();
    assert.match(await promoted.innerText(), /Canary promoted\s+moebius\s*automatic.*canary step to 100% of the traffic/s);
    await variants.locator('tr[data-variant=stable]').waitFor({ state: 'detached' });
    assert.deepEqual(await weightsOf(variants), [['v2', '10000']]); // a canary's weights are percent × 100

    // ---- Inferences over the API: captured with their ids; live figures move.
    for (let i = 1; i <= 5; i++) {
      const r = await infer('/infer', row([i % 2, 0.25 * i], `req-${i}`));
      assert.equal(r.status, 200);
      assert.equal(r.id, `req-${i}`);
      assert.equal(r.variant, 'v2');
    }
    const live = page.getByTestId('live-table').locator('tr[data-variant=v2]');
    await live.locator('[data-stat=total-requests]').getByText('5', { exact: true }).waitFor();
    assert.notEqual((await live.locator('[data-stat=rate]').innerText()).trim(), '0/s');
    assert.match(await live.locator('[data-stat=window-p99]').innerText(), /^\d+(\.\d+)?$/);
    assert.equal((await live.locator('[data-stat=window-error-rate]').innerText()).trim(), '0%');
    await page.getByTestId('capture-counts').getByText(/Capture rate 100% · written [1-9]/).waitFor();
    await page.getByRole('tab', { name: 'Captured requests' }).click();
    const captures = page.getByTestId('captures-table');
    await captures.locator('tr[data-request=req-5]').waitFor();
    const ids = await captures.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-request')));
    assert.deepEqual(ids.slice(0, 5), ['req-5', 'req-4', 'req-3', 'req-2', 'req-1']);
    const r3 = captures.locator('tr[data-request=req-3]');
    assert.match(await r3.innerText(), /v2\s*churn v2/);
    assert.match(await r3.locator('[data-stat=inputs]').innerText(), /input__0: \[1×2\] 1, 0\.75/);
    assert.match(await r3.locator('[data-stat=outputs]').innerText(), /predict: 0\.6/);
    await page.locator('select[name=captures-variant]').selectOption('v2');
    await captures.locator('tr[data-request=req-1]').waitFor();

    // ---- Feedback for req-3, picked from its row.
    await r3.locator('[data-stat=request-id] button').click();
    const fb = page.getByTestId('feedback-form');
    assert.equal(await fb.locator('input[name=feedback-request-id]').inputValue(), 'req-3');
    await fb.getByRole('button', { name: 'Save feedback' }).click();
    await fb.getByTestId('feedback-problem').getByText('Give a value.').waitFor();
    await fb.locator('input[name=feedback-value]').fill('{"label": 1}');
    await fb.getByRole('button', { name: 'Save feedback' }).click();
    await fb.getByTestId('feedback-done').waitFor();
    await r3.locator('[data-stat=feedback]').getByText('{"label":1}').waitFor();
    await page.locator('input[name=captures-feedback-only]').check();
    await captures.locator('tr[data-request=req-5]').waitFor({ state: 'detached' });
    assert.deepEqual(
      await captures.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-request'))),
      ['req-3'],
    );
    const got = await api('GET', `/api/v1/deployments/${D}/captures?request_id=req-3`);
    assert.deepEqual(got.captures[0].feedback, { label: 1 });
    await shot('strategies-captures.png');
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (en)');

    // ---- Korean.
    await page.getByRole('button', { name: '한국어' }).click();
    await page.getByRole('tab', { name: '캡처된 요청' }).waitFor();
    await page.getByRole('columnheader', { name: '요청 ID' }).waitFor();
    await page.getByText('피드백 있는 요청만').waitFor();
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (ko, captures)');
    await page.getByRole('tab', { name: '개요' }).click();
    await page.getByRole('heading', { name: '실시간 트래픽' }).waitFor();
    await page.getByRole('columnheader', { name: '오류율' }).first().waitFor();
    assert.match(await auto.innerText(), /가드레일 자동 롤백\s+moebius\s*자동/);
    assert.match(await promoted.innerText(), /카나리 승격/);
    assert.match(await history.locator('tbody tr[data-action=canary-start]').first().innerText(), /카나리 시작/);
    assert.match(await history.locator('tbody tr[data-action=switch]').innerText(), /블루-그린 전환/);
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (ko, overview)');
    await page.getByRole('tab', { name: '배포 전략' }).click();
    await page.getByRole('heading', { name: '카나리 시작' }).waitFor();
    await page.getByRole('heading', { name: '블루-그린 전환' }).waitFor();
    await page.getByText('오류율 ≤ 20% · 10초 구간, 요청 5건 이상부터').waitFor();
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (ko, strategy)');
    await shot('strategies-ko.png');
    await page.getByRole('button', { name: 'English' }).click();

    // ---- Delete the seed deployment from the project's tab (the dialog is accepted).
    await page.goto(`${server.base}/projects/${PROJECT}?tab=deployments`);
    const seedRow = page.getByTestId('deployments-table').locator(`tr[data-deployment=${SEED}]`);
    await seedRow.waitFor();
    await seedRow.getByTestId('delete-deployment').click();
    await seedRow.waitFor({ state: 'detached' });
    await page.getByTestId('deployments-table').locator(`tr[data-deployment=${D}]`).waitFor();
    const left = (await api('GET', `/api/v1/projects/${PROJECT}/deployments`)).deployments.map((d) => d.name);
    assert.deepEqual(left, [D]);
    assert.deepEqual(pageErrors, []);

    // ---- A viewer reads the settings and captures, with no controls.
    await api('POST', '/api/v1/users', { username: 'vera', password: VERA });
    await api('PUT', `/api/v1/projects/${PROJECT}/members/vera`, { role: 'viewer' });
    await signInAs(page, 'vera', VERA);
    await page.goto(`${server.base}/projects/${PROJECT}?tab=deployments`);
    await page.getByTestId('deployments-table').locator(`tr[data-deployment=${D}]`).waitFor();
    assert.equal(await page.getByTestId('new-deployment').count(), 0);
    assert.equal(await page.getByTestId('delete-deployment').count(), 0);
    await page.goto(`${server.base}/deployments/${D}?tab=strategy`);
    await page.getByTestId('policy-summary').locator('[data-stat=capture-rate]').getByText('100%').waitFor();
    assert.equal(await page.getByTestId('canary-form').count(), 0);
    assert.equal(await page.getByTestId('policy-form').count(), 0);
    await page.getByRole('tab', { name: 'Captured requests' }).click();
    await page.getByTestId('captures-table').locator('tr[data-request=req-3]').waitFor();
    assert.equal(await page.getByTestId('feedback-form').count(), 0);
    assert.equal(await page.locator('[data-stat=request-id] button').count(), 0);
  } catch (e) {
    await shot('strategies-failure.png').catch(() => {});
    throw e;
  }
});
