// End-to-end test of approval requests in the UI (REG-5).
//
//   node --test tests/browser/approvals.test.mjs
//
// Set up over the API: a project with a task whose criteria have a clause that fails inside an
// `or` ("auc >= 0.8 and (f1 >= 0.7 or accuracy >= 0.99)"), a run that logged auc, f1 and accuracy
// and holds a real XGBoost JSON model at model/model.json (put through the mlflow-artifacts API),
// confirmed as a package; users dev (model-developer) and rita (approver). In chromium, as dev:
// Packages tab → register the run's model from its package as churn v1 → the version page → the
// production option points to the request form (a direct Move still shows the server's
// APPROVAL_REQUIRED) → a request without a reason is refused by the form → with a reason it is
// created, linked, and listed with the version (pending, 0 of 1) → the request page offers dev no
// review, only cancel → made an approver too, dev's own approval is refused with the server's
// SELF_APPROVAL message. As rita: the navigation counts 1 awaiting → the inbox row is marked
// awaiting her review (requester, 0 of 1, age) → the request page shows the evidence (signature,
// files with hashes, lineage links, the criteria clause by clause, run metrics) → a rejection
// without a comment is refused by the form (nothing sent) → a comment → approve → approved, the
// timeline request/comment/approve/applied → the version page shows production, a stage history
// row naming the request with a link to it. Korean and back with no raw keys; the project's
// Settings tab is read-only for rita, editable by the admin. Screenshots go to tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, browserSession, signInAs } from './harness.mjs';

const PROJECT = 'approvals-ui';
const MODEL = 'churn';
const USERS = { dev: 'dev-password-1', rita: 'rita-password-1' };

// A small but valid XGBoost JSON model header: two features, binary:logistic (the registry infers
// the signature from it: one FP32 tensor input__0 of shape [-1, 2]).
const XGB_MODEL = JSON.stringify({
  learner: {
    learner_model_param: { num_feature: '2', num_class: '0', base_score: '5E-1' },
    objective: { name: 'binary:logistic' },
    gradient_booster: { name: 'gbtree', model: { trees: [], tree_info: [], gbtree_model_param: { num_trees: '0' } } },
  },
  version: [2, 0, 3],
});

/** Text on screen that looks like an untranslated key of the namespaces these pages use. */
async function rawKeys(page) {
  const text = await page.locator('body').innerText();
  return [...text.matchAll(/\b(approvals|registry|projectPage|report|nav|common)\.[A-Za-z][\w.]*/g)].map((m) => m[0]);
}

test('approvals UI: request production, self-approval refused, inbox, evidence, approve', { timeout: 240_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'approvals');
  const { api, token } = await adminClient(server.base, password);
  const raw = async (method, path, body) => {
    const res = await fetch(server.base + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
      body,
    });
    assert.equal(res.status, 200, `${method} ${path}: ${await res.text()}`);
  };

  await api('POST', '/api/v1/projects', { name: PROJECT, display_name: 'Approvals UI project' });
  await api('POST', `/api/v1/projects/${PROJECT}/tasks`, {
    name: 'churn-task',
    domain: 'tabular',
    problem_type: 'classification',
    acceptance_criteria: 'auc >= 0.8 and (f1 >= 0.7 or accuracy >= 0.99)',
  });
  for (const [username, pw] of Object.entries(USERS)) await api('POST', '/api/v1/users', { username, password: pw });
  await api('PUT', `/api/v1/projects/${PROJECT}/members/dev`, { role: 'model-developer' });
  await api('PUT', `/api/v1/projects/${PROJECT}/members/rita`, { role: 'approver' });
  // The run: metrics, the model folder; confirmed against the task.
  const { experiment } = await api('POST', `/api/v1/projects/${PROJECT}/experiments`, { name: 'churn-exp' });
  const expId = experiment.experiment_id;
  const { run } = await api('POST', '/api/2.0/mlflow/runs/create', { experiment_id: expId, run_name: 'xgb-run' });
  const runId = run.info.run_id;
  const now = Date.now();
  await api('POST', '/api/2.0/mlflow/runs/log-batch', {
    run_id: runId,
    metrics: [
      { key: 'auc', value: 0.91, timestamp: now, step: 0 },
      { key: 'f1', value: 0.78, timestamp: now, step: 0 },
      { key: 'accuracy', value: 0.9, timestamp: now, step: 0 },
    ],
  });
  await raw('PUT', `/api/2.0/mlflow-artifacts/artifacts/${expId}/${runId}/artifacts/model/model.json`, XGB_MODEL);
  await api('POST', '/api/2.0/mlflow/runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  const { package: pkg } = await api('POST', `/api/v1/runs/${runId}/confirm`, { task: 'churn-task' });

  const { page, pageErrors, shot } = await openPage();
  try {
    // ---- dev registers the run's model from its confirmed package.
    await page.goto(`${server.base}/projects/${PROJECT}?tab=packages`);
    await page.waitForURL(/\/login/);
    await signInAs(page, 'dev', USERS.dev);
    await page.goto(`${server.base}/projects/${PROJECT}?tab=packages`);
    await page.getByTestId('register-package').click();
    const rform = page.getByTestId('register-form');
    await rform.getByText(`From confirmed package #${pkg.id}`).waitFor();
    await rform.locator('input[name=model-name]').fill(MODEL);
    await rform.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByTestId('register-done').getByText(`Registered ${MODEL} version 1.`).waitFor();
    await page.getByTestId('new-version-link').click();
    await page.waitForURL(new RegExp(`/models/${MODEL}/versions/1$`));
    await page.getByTestId('version-title').getByText(`${MODEL} v1`).waitFor();
    // dev approves nothing: no count in the navigation.
    await page.getByTestId('nav-approvals').waitFor();
    assert.equal(await page.getByTestId('approvals-count').count(), 0, 'no count for a user who reviews nothing');

    // ---- The production option points to the request form; a direct move still shows the server's refusal.
    const stageForm = page.getByTestId('stage-form');
    await stageForm.locator('select[name=stage]').selectOption('production');
    const pointer = stageForm.getByTestId('production-pointer');
    await pointer.getByText('the server refuses a direct move', { exact: false }).waitFor();
    await pointer.getByRole('button', { name: 'Go to the production request form.' }).click();
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'request-reason');
    await stageForm.getByRole('button', { name: 'Move' }).click();
    const refusedMove = stageForm.getByTestId('approval-required');
    await refusedMove.waitFor();
    assert.match(await refusedMove.innerText(), /Refused: production needs an approved request\./);
    assert.match(await refusedMove.innerText(), /APPROVAL_REQUIRED/);
    await refusedMove.getByRole('button', { name: 'Go to the production request form.' }).waitFor();

    // ---- The request form: a reason is required (checked before anything is sent).
    const requestForm = page.getByTestId('request-form');
    await page.getByTestId('production-request').getByText('No requests for this version yet.').waitFor();
    await requestForm.getByRole('button', { name: 'Request production' }).click();
    await requestForm.getByTestId('request-problem').getByText('Give a reason').waitFor();
    assert.deepEqual((await api('GET', '/api/v1/approvals')).requests, [], 'a request without a reason creates nothing');
    const REASON = 'auc 0.91 and f1 0.78 on the holdout; beats the baseline';
    await requestForm.locator('textarea[name=request-reason]').fill(REASON);
    await requestForm.locator('input[name=request-archive-existing]').check();
    await shot('approvals-request-form.png');
    await requestForm.getByRole('button', { name: 'Request production' }).click();
    const created = page.getByTestId('request-created');
    await created.waitFor();
    const { requests } = await api('GET', '/api/v1/approvals?state=pending');
    assert.equal(requests.length, 1);
    const reqId = requests[0].id;
    assert.equal(requests[0].reason, REASON);
    assert.equal(requests[0].archive_existing, true);
    assert.equal(requests[0].requested_by, 'dev');
    assert.match(await created.innerText(), new RegExp(`Request #${reqId} created\\. It needs 1 approval from someone other than you\\.`));
    assert.equal(await created.getByTestId('request-link').getAttribute('href'), `/approvals/${reqId}`);
    assert.equal(await page.getByTestId('request-form').count(), 0, 'no second request while one is pending');
    const listed = page.locator(`[data-testid=version-requests] tr[data-request="${reqId}"]`);
    await listed.waitFor();
    assert.equal(await listed.locator('[data-testid=request-state]').getAttribute('data-state'), 'pending');
    assert.equal((await listed.locator('[data-stat=approvals]').innerText()).trim(), '0 of 1');
    assert.match(await listed.innerText(), /dev/);
    await shot('approvals-version-requested.png');

    // ---- The request page, as its requester: no review (dev holds no model.approve), a cancel button.
    await created.getByTestId('request-link').click();
    await page.waitForURL(new RegExp(`/approvals/${reqId}$`));
    await page.getByTestId('request-title').getByText(`Request #${reqId}`).waitFor();
    assert.equal(await page.locator('[data-testid=request-title] [data-testid=request-state]').getAttribute('data-state'), 'pending');
    assert.equal((await page.getByTestId('request-reason').innerText()).trim(), REASON);
    await page.getByTestId('review-needs-permission').waitFor();
    assert.equal(await page.getByTestId('review-form').count(), 0);
    await page.getByTestId('cancel-request').waitFor();

    // dev becomes an approver too: the review is offered, and the server refuses dev's own approval.
    await api('PUT', `/api/v1/projects/${PROJECT}/members/dev`, { role: 'approver' });
    await page.reload();
    const review = page.getByTestId('review-form');
    await review.waitFor();
    await review.getByText('You made this request', { exact: false }).waitFor();
    await review.getByRole('button', { name: 'Approve' }).click();
    const selfRefusal = page.getByTestId('action-error');
    await selfRefusal.waitFor();
    assert.equal(await selfRefusal.getAttribute('data-code'), 'SELF_APPROVAL');
    const selfText = await selfRefusal.innerText();
    assert.match(selfText, /Refused: you made this request, so another approver must review it\./);
    assert.match(selfText, /cannot be approved by the user who made it/, 'the server message, as it words it');
    assert.match(selfText, /SELF_APPROVAL/);
    await shot('approvals-self-approval.png');
    assert.equal((await api('GET', `/api/v1/approvals/${reqId}`)).request.state, 'pending', 'the refusal changed nothing');
    await api('PUT', `/api/v1/projects/${PROJECT}/members/dev`, { role: 'model-developer' });

    // ---- rita: the count in the navigation, the inbox row awaiting her review.
    await signInAs(page, 'rita', USERS.rita);
    const count = page.getByTestId('approvals-count');
    await count.waitFor();
    assert.equal((await count.innerText()).trim(), '1');
    await page.getByTestId('nav-approvals').click();
    await page.waitForURL(/\/approvals$/);
    await page.getByRole('heading', { name: 'Approvals' }).waitFor();
    const row = page.locator(`[data-testid=approvals-table] tr[data-request="${reqId}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-awaiting'), 'true');
    assert.match(await row.getAttribute('class'), /awaiting-row/);
    await row.getByTestId('awaiting-you').getByText('Awaiting your review').waitFor();
    assert.match(await row.locator('[data-stat=model]').innerText(), new RegExp(`${MODEL} v1`));
    assert.equal((await row.locator('[data-stat=requester]').innerText()).trim(), 'dev');
    assert.equal((await row.locator('[data-stat=approvals]').innerText()).trim(), '0 of 1');
    assert.match(await row.locator('[data-stat=age]').innerText(), /now|seconds? ago|minutes? ago/);
    assert.equal(await row.locator('[data-testid=stage-chip]').getAttribute('data-stage'), 'production');
    await page.getByTestId('awaiting-summary').getByText('1 request awaits your review.').waitFor();
    await shot('approvals-inbox.png');
    // Other states: nothing approved yet.
    await page.getByRole('tab', { name: 'Approved' }).click();
    await page.waitForURL(/state=approved/);
    await page.getByText('No approved requests.').waitFor();
    await page.getByRole('tab', { name: 'Pending' }).click();
    await row.waitFor();

    // ---- The request page: the evidence.
    await row.getByRole('link', { name: `#${reqId}` }).click();
    await page.waitForURL(new RegExp(`/approvals/${reqId}$`));
    const evidence = page.getByTestId('evidence');
    await evidence.waitFor();
    const input = evidence.locator('[data-testid=signature-inputs] tr', { hasText: 'input__0' });
    await input.waitFor();
    assert.match(await input.innerText(), /FP32\s+\[\?, 2\]/);
    const version = (await api('GET', `/api/v1/models/${MODEL}/versions/1`)).version;
    const modelFile = evidence.locator('[data-testid=version-files] tr[data-file="model.json"]');
    await modelFile.getByText(version.files.find((f) => f.path === 'model.json').sha256.slice(0, 12), { exact: true }).waitFor();
    await evidence.getByTestId('lineage-run').getByRole('link', { name: 'xgb-run' }).waitFor();
    assert.equal(await evidence.getByTestId('lineage-run').getByRole('link', { name: 'xgb-run' }).getAttribute('href'), `/runs/${runId}`);
    assert.equal(await evidence.getByTestId('lineage-experiment').getAttribute('href'), `/projects/${PROJECT}/experiments/${expId}`);
    const pkgLine = evidence.getByTestId('lineage-package');
    assert.match(await pkgLine.innerText(), new RegExp(`#${pkg.id} · task churn-task`));
    const clauses = evidence.locator('[data-testid=criteria-clauses] tbody tr');
    assert.equal(await clauses.count(), 3, 'one row per clause');
    const clauseRows = await clauses.evaluateAll((rows) =>
      rows.map((r) => ({ text: r.getAttribute('data-clause'), passed: r.getAttribute('data-passed'), cells: r.innerText })),
    );
    const auc = clauseRows.find((c) => /^auc\s*>=\s*0\.8$/.test(c.text));
    const acc = clauseRows.find((c) => /^accuracy\s*>=\s*0\.99$/.test(c.text));
    assert.ok(auc && acc, `clauses: ${JSON.stringify(clauseRows)}`);
    assert.equal(auc.passed, 'true');
    assert.match(auc.cells, /0\.91[\s\S]*pass/);
    assert.equal(acc.passed, 'false', 'a clause that failed inside an "or" shows as failed');
    assert.match(acc.cells, /0\.9[\s\S]*fail/);
    const metrics = evidence.getByTestId('lineage-metrics');
    assert.match(await metrics.locator('tr', { hasText: 'auc' }).innerText(), /0\.91/);
    assert.match(await metrics.locator('tr', { hasText: 'f1' }).innerText(), /0\.78/);
    const firstEvent = page.locator('[data-testid=request-timeline] li').first();
    assert.equal(await firstEvent.getAttribute('data-action'), 'request');
    assert.match(await firstEvent.innerText(), /dev\s+requested it/);
    assert.match(await firstEvent.innerText(), new RegExp(REASON.replace(/[.;]/g, '.')));
    assert.equal(await page.getByTestId('review-needs-permission').count(), 0);
    assert.equal(await page.getByTestId('cancel-request').count(), 0, 'only the requester cancels');
    await shot('approvals-request-evidence.png');

    // ---- A rejection needs a comment: the form refuses an empty one and sends nothing.
    const rform2 = page.getByTestId('review-form');
    await rform2.getByRole('button', { name: 'Reject' }).click();
    await rform2.getByTestId('review-problem').getByText('A rejection needs a comment saying why.').waitFor();
    const still = (await api('GET', `/api/v1/approvals/${reqId}`)).request;
    assert.equal(still.state, 'pending');
    assert.deepEqual(
      still.events.map((e) => e.action),
      ['request'],
      'nothing was sent',
    );

    // ---- A comment, then the approval.
    const commentForm = page.getByTestId('comment-form');
    await commentForm.locator('textarea[name=comment-text]').fill('checked the slices');
    await commentForm.getByRole('button', { name: 'Comment' }).click();
    await page.locator('[data-testid=request-timeline] li[data-action=comment]').getByText('checked the slices').waitFor();
    await rform2.locator('textarea[name=review-comment]').fill('looks good');
    await rform2.getByRole('button', { name: 'Approve' }).click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid=request-title] [data-testid=request-state]')?.getAttribute('data-state') === 'approved',
    );
    await page.getByTestId('request-decided').getByText('Approved: the version was moved.').waitFor();
    assert.equal(await page.getByTestId('review-form').count(), 0);
    assert.equal((await page.getByTestId('request-progress').innerText()).trim(), '1 of 1');
    const actions = await page.locator('[data-testid=request-timeline] li').evaluateAll((li) => li.map((x) => x.getAttribute('data-action')));
    assert.deepEqual(actions, ['request', 'comment', 'approve', 'applied']);
    await page.locator('[data-testid=request-timeline] li[data-action=approve]').getByText('looks good').waitFor();
    // Nothing awaits rita any more.
    await page.waitForFunction(() => !document.querySelector('[data-testid=approvals-count]'));
    await shot('approvals-approved.png');

    // ---- The version page: production, a history row naming the request.
    await page.getByTestId('request-version-link').click();
    await page.waitForURL(new RegExp(`/models/${MODEL}/versions/1$`));
    await page.waitForFunction(
      () => document.querySelector('[data-testid=version-title] [data-testid=stage-chip]')?.getAttribute('data-stage') === 'production',
    );
    const historyRow = page.locator('[data-testid=stage-history] tbody tr').last();
    assert.match(await historyRow.innerText(), /Development\s*→\s*Production/);
    assert.match(await historyRow.innerText(), /rita/);
    assert.match(await historyRow.locator('[data-stat=reason]').innerText(), new RegExp(`approved request ${reqId} by dev`));
    const historyLink = historyRow.getByTestId('history-request-link');
    assert.equal(await historyLink.getAttribute('href'), `/approvals/${reqId}`);
    assert.equal((await historyLink.innerText()).trim(), `Request #${reqId}`);
    const approvedRow = page.locator(`[data-testid=version-requests] tr[data-request="${reqId}"]`);
    assert.equal(await approvedRow.locator('[data-testid=request-state]').getAttribute('data-state'), 'approved');
    assert.equal(await page.getByTestId('request-form').count(), 0, 'no request form for a version in production');
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (en, version page)');
    await shot('approvals-version-production.png');
    assert.equal((await api('GET', `/api/v1/models/${MODEL}/versions/1`)).version.stage, 'production');

    // ---- Korean, then back; no raw keys.
    await historyLink.click();
    await page.waitForURL(new RegExp(`/approvals/${reqId}$`));
    await page.getByTestId('evidence').waitFor();
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (en, request page)');
    await page.getByRole('button', { name: '한국어' }).click();
    await page.getByRole('heading', { name: '근거 자료' }).waitFor();
    await page.getByRole('heading', { name: '진행 기록' }).waitFor();
    assert.equal((await page.locator('[data-testid=request-title] [data-testid=request-state]').innerText()).trim(), '승인됨');
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (ko, request page)');
    await shot('approvals-request-ko.png');
    await page.getByRole('link', { name: '승인', exact: true }).first().click();
    await page.waitForURL(/\/approvals$/);
    await page.getByRole('tab', { name: '전체' }).click();
    await page.locator(`[data-testid=approvals-table] tr[data-request="${reqId}"]`).waitFor();
    assert.deepEqual(await rawKeys(page), [], 'no untranslated keys (ko, inbox)');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('tab', { name: 'All' }).waitFor();

    // ---- Settings: read-only for rita, editable by the admin.
    await page.goto(`${server.base}/projects/${PROJECT}?tab=settings`);
    const readOnly = page.getByTestId('required-approvals');
    await readOnly.waitFor();
    assert.match(await readOnly.innerText(), /^1\b/);
    assert.equal(await page.getByTestId('registry-settings-form').count(), 0);
    await signInAs(page, 'admin', password);
    await page.goto(`${server.base}/projects/${PROJECT}?tab=settings`);
    const settings = page.getByTestId('registry-settings-form');
    await settings.locator('input[name=required-approvals]').fill('7');
    await settings.getByRole('button', { name: 'Save' }).click();
    await page.getByText('A whole number from 1 to 5.').waitFor();
    assert.equal((await api('GET', `/api/v1/projects/${PROJECT}/registry-settings`)).required_approvals, 1);
    await settings.locator('input[name=required-approvals]').fill('2');
    await settings.getByRole('button', { name: 'Save' }).click();
    await settings.getByTestId('registry-settings-saved').getByText('Saved: 2 approvals required.').waitFor();
    assert.equal((await api('GET', `/api/v1/projects/${PROJECT}/registry-settings`)).required_approvals, 2);
    await shot('approvals-settings.png');

    assert.deepEqual(pageErrors, [], 'no uncaught page errors');
  } catch (e) {
    await shot('approvals-failure.png').catch(() => {});
    throw new Error(`${e.message}\n--- server log ---\n${server.logs.join('').slice(-4000)}`, { cause: e });
  }
});
