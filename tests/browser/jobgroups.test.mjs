// End-to-end test of distributed job groups in the UI (EXP-8):
//
//   node --test tests/browser/jobgroups.test.mjs
//
// Jobs tab → the submit form with Workers = 2 queues two ranks of one group (the API lists them
// by ?group=) → the table shows the group column (rank 0's id, rank/size) for both → rank 1's page
// shows its group row linking to rank 0 → a bad workers value shows the server's 400 and queues
// nothing. The server has no embedded workers, so the ranks stay queued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, browserSession, loginInBrowser, serverHasFlag } from './harness.mjs';

const PROJECT = 'groups-ui';

test('jobs UI: a distributed submission shows its group and ranks', { timeout: 200_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'jobgroups', { args: serverHasFlag('--workers') ? ['--workers', '0'] : [] });
  const { api } = await adminClient(server.base, password);
  await api('POST', '/api/v1/projects', { name: PROJECT, display_name: 'Groups UI project' });
  const { page, pageErrors, shot } = await openPage();
  await loginInBrowser(page, server.base, password);
  await page.goto(`${server.base}/projects/${PROJECT}?tab=jobs`);
  await page.getByTestId('jobs').getByText('No jobs in this project yet.').waitFor();

  await page.getByRole('button', { name: 'Submit job' }).click();
  const form = page.getByTestId('job-form');
  await form.locator('textarea[name=job-command]').fill('python3 train.py');
  await form.locator('input[name=job-workers]').fill('65');
  await form.getByRole('button', { name: 'Submit', exact: true }).click();
  await form.getByTestId('job-error').getByText(/distributed\.workers must be between 1 and 64/).waitFor();
  assert.equal((await api('GET', `/api/v1/projects/${PROJECT}/jobs`)).jobs.length, 0, 'a refused submission queues nothing');

  await form.locator('input[name=job-workers]').fill('2');
  await form.getByRole('button', { name: 'Submit', exact: true }).click();
  await page.getByTestId('job-submitted').waitFor();
  const jobs = (await api('GET', `/api/v1/projects/${PROJECT}/jobs`)).jobs;
  assert.equal(jobs.length, 2);
  const leader = jobs.find((j) => j.rank === 0);
  const follower = jobs.find((j) => j.rank === 1);
  assert.equal(follower.group, leader.id);
  assert.equal((await api('GET', `/api/v1/projects/${PROJECT}/jobs?group=${leader.id}`)).jobs.length, 2);

  for (const [j, text] of [[leader, `#${leader.id} · 0/2`], [follower, `#${leader.id} · 1/2`]]) {
    const cell = page.locator(`[data-testid=jobs-table] tr[data-job="${j.id}"] td[data-stat=group]`);
    await cell.getByText(text).waitFor();
  }
  await shot('jobs-groups.png');
  await page.goto(`${server.base}/jobs/${follower.id}`);
  const row = page.locator('[data-testid=job-details] [data-field=group]');
  await row.getByText(`rank 1/2 · group #${leader.id}`).waitFor();
  await row.getByTestId('job-group-leader').click();
  await page.waitForURL(new RegExp(`/jobs/${leader.id}$`));
  assert.deepEqual(pageErrors, []);
});
