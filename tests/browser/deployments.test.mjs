// End-to-end test of model serving in the UI (docs/design/serving.md).
//
//   node --test tests/browser/deployments.test.mjs
//
// Set up over the API (deploy-setup.mjs): a project, a run holding a real XGBoost JSON model, two
// registered versions and a deployment churn-live with variants a=v1@90, b=v2@10. In chromium, as
// admin: the project's Deployments tab lists it with its weights → the deployment page (variants
// linking to their versions, counters, the create in the history) → a weight that is not a number
// and a 0/0 split are refused in the form, a weight over 1,000,000 by the server with its
// message → 50/50 saved with a reason (the history grows, before → after) → Roll back (back to
// 90/10, a third history row) → the inference tester: its fields come from /v2/models/churn-live, Send shows the output and the
// variant that answered; the counters move. As a viewer: the page without the split controls.
// Screenshots go to tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, browserSession, loginInBrowser, signInAs } from './harness.mjs';
import { setUpDeployment, weightsOf } from './deploy-setup.mjs';

const PROJECT = 'serve-ui';
const MODEL = 'churn';
const DEPLOYMENT = 'churn-live';
const VERA = 'vera-password-1';

test('deployments UI: tab, page, traffic split, history, rollback, inference tester', { timeout: 300_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'deployments');
  const { api, token } = await adminClient(server.base, password);
  await setUpDeployment(server.base, token, api, { project: PROJECT, model: MODEL, deployment: DEPLOYMENT });
  await api('POST', '/api/v1/users', { username: 'vera', password: VERA });
  await api('PUT', `/api/v1/projects/${PROJECT}/members/vera`, { role: 'viewer' });

  const { page, pageErrors, shot } = await openPage();
  try {
    await loginInBrowser(page, server.base, password);

    // ---- The project's Deployments tab.
    await page.goto(`${server.base}/projects/${PROJECT}`);
    await page.getByRole('tab', { name: 'Deployments' }).click();
    const row = page.getByTestId('deployments-table').locator(`tr[data-deployment=${DEPLOYMENT}]`);
    await row.waitFor();
    assert.match(await row.innerText(), /staging/);
    assert.match(await row.innerText(), /Weighted random/);
    assert.match(await row.locator('[data-variant=a]').innerText(), /a: churn v1 weight 90/);
    assert.match(await row.locator('[data-variant=b]').innerText(), /b: churn v2 weight 10/);
    await shot('deployments-tab.png');
    await row.getByRole('link', { name: DEPLOYMENT }).click();
    await page.waitForURL(new RegExp(`/deployments/${DEPLOYMENT}$`));

    // ---- The deployment page.
    await page.getByTestId('deployment-name').getByText(DEPLOYMENT).waitFor();
    const variants = page.getByTestId('variants-table');
    await variants.locator('tr[data-variant=a]').waitFor();
    assert.deepEqual(await weightsOf(variants), [
      ['a', '90'],
      ['b', '10'],
    ]);
    assert.equal(await variants.locator('tr[data-variant=b] a').getAttribute('href'), `/models/${MODEL}/versions/2`);
    assert.equal((await variants.locator('tr[data-variant=a] [data-stat=requests]').innerText()).trim(), '0');
    const history = page.getByTestId('deployment-history');
    assert.equal(await history.locator('tbody tr').count(), 1);
    assert.match(await history.locator('tbody tr').first().innerText(), /Created\s+admin.*first rollout\s+a 90 · b 10/s);

    // ---- The traffic split: the form's check, the server's refusal, then 50/50 saved.
    const form = page.getByTestId('traffic-form');
    await form.locator('input[name=weight-a]').fill('x');
    await form.getByRole('button', { name: 'Save split' }).click();
    await form.getByTestId('weight-problem').getByText('The weight of a must be a whole number.').waitFor();
    await form.locator('input[name=weight-a]').fill('0');
    await form.locator('input[name=weight-b]').fill('0');
    await form.getByRole('button', { name: 'Save split' }).click();
    await form.getByTestId('weight-problem').getByText('At least one weight must be above 0.').waitFor();
    // Past the server's limit: its 400 shown as it answered, nothing changed.
    await form.locator('input[name=weight-a]').fill('1000001');
    await form.locator('input[name=weight-b]').fill('1');
    await form.getByRole('button', { name: 'Save split' }).click();
    const refused = form.getByTestId('traffic-error').getByRole('alert');
    await refused.waitFor();
    assert.match(await refused.innerText(), /variant 'a': weight must be from 0 to 1000000/);
    assert.match(await refused.innerText(), /INVALID_PARAMETER_VALUE/);
    assert.equal(await history.locator('tbody tr').count(), 1);
    await form.locator('input[name=weight-a]').fill('50');
    await form.locator('input[name=weight-b]').fill('50');
    await form.locator('input[name=deploy-reason]').fill('even split for the A/B test');
    await form.getByRole('button', { name: 'Save split' }).click();
    await history.locator('tbody tr').nth(1).waitFor();
    assert.deepEqual(await weightsOf(variants), [
      ['a', '50'],
      ['b', '50'],
    ]);
    const newest = history.locator('tbody tr').first();
    assert.equal(await newest.getAttribute('data-action'), 'update');
    assert.match(await newest.innerText(), /Variants changed\s+admin.*even split for the A\/B test\s+a 90 · b 10 → a 50 · b 50/s);
    assert.equal((await api('GET', `/api/v1/deployments/${DEPLOYMENT}`)).deployment.variants[0].weight, 50);
    await shot('deployment-split.png');

    // ---- Roll back: 90/10 again, a third history row.
    await form.getByTestId('rollback').click();
    await history.locator('tbody tr').nth(2).waitFor();
    assert.equal(await history.locator('tbody tr').first().getAttribute('data-action'), 'rollback');
    assert.match(await history.locator('tbody tr').first().innerText(), /a 50 · b 50 → a 90 · b 10/);
    await variants.locator('tr[data-variant=a] [data-stat=weight]').getByText('90').waitFor();
    assert.deepEqual(await weightsOf(variants), [
      ['a', '90'],
      ['b', '10'],
    ]);

    // ---- The inference tester: fields from the v2 metadata, the output and the variant.
    const tester = page.getByTestId('inference-tester');
    await tester.locator('input[name="infer-input__0[0]"]').waitFor();
    assert.equal(await tester.locator('input[name^=infer-]').count(), 2);
    await tester.getByRole('button', { name: 'Send' }).click();
    await tester.getByTestId('infer-invalid').getByText('input__0[0] needs a number.').waitFor();
    await tester.locator('input[name="infer-input__0[0]"]').fill('1');
    await tester.locator('input[name="infer-input__0[1]"]').fill('0');
    await tester.getByRole('button', { name: 'Send' }).click();
    const result = tester.getByTestId('infer-result');
    await result.waitFor();
    const variant = (await result.getByTestId('infer-variant').innerText()).trim();
    assert.ok(['a', 'b'].includes(variant), `answered by ${variant}`);
    const predicted = Number((await result.locator('tr[data-output=predict] [data-stat=data]').innerText()).trim());
    // One tree: feature 0 = 1 ≥ 0.5 goes right (leaf 0.6); sigmoid(0 + 0.6) with base_score 0.5 (margin 0).
    assert.ok(Math.abs(predicted - 1 / (1 + Math.exp(-0.6))) < 1e-4, `predict = ${predicted}`);
    // The counters of the variant that answered move (the page reloads the deployment after a call).
    await variants.locator(`tr[data-variant=${variant}] [data-stat=requests]`).getByText('1', { exact: true }).waitFor();
    await shot('deployment-infer.png');
    assert.deepEqual(pageErrors, []);

    // ---- A viewer sees the page without the split controls.
    await signInAs(page, 'vera', VERA);
    await page.goto(`${server.base}/deployments/${DEPLOYMENT}`);
    await page.getByTestId('variants-table').locator('tr[data-variant=a]').waitFor();
    await page.getByTestId('deployment-history').waitFor();
    assert.equal(await page.getByTestId('traffic-form').count(), 0);
    assert.equal(await page.getByTestId('rollback').count(), 0);
    await shot('deployment-viewer.png');
  } catch (e) {
    await shot('deployments-failure.png').catch(() => {});
    throw e;
  }
});
