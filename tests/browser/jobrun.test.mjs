// End-to-end test of what ties jobs to runs and schedules in the UI (issue 4, EXP-9):
//
//   node --test tests/browser/jobrun.test.mjs
//
// Jobs tab → the Schedules section: a four-field cron is refused by the form with its message, a
// good one is listed → a job submitted with an experiment (the test plays the worker through the
// worker API) → its page links to its run → the run page links back to the job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, browserSession, loginInBrowser, serverHasFlag } from './harness.mjs';

const PROJECT = 'jobrun-ui';
const WORKER = 'test-worker';

test('jobs UI: schedules, and job and run pages link to each other', { timeout: 200_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'jobrun', { args: serverHasFlag('--workers') ? ['--workers', '0'] : [] });
  const { api } = await adminClient(server.base, password);
  await api('POST', '/api/v1/projects', { name: PROJECT, display_name: 'Jobs UI project' });
  const claim = async () =>
    (await api('POST', '/api/v1/workers/claim', { worker: WORKER, lease_s: 120, resources: { cpus: 8, memory_mb: 16384, gpus: 0 } })).job;
  const { page, pageErrors, shot } = await openPage();
  await loginInBrowser(page, server.base, password);
  await page.goto(`${server.base}/projects/${PROJECT}?tab=jobs`);
  await page.getByTestId('schedules').getByText('No schedules in this project.').waitFor();
  const sf = page.getByTestId('schedule-form');
  await sf.locator('input[name=schedule-name]').fill('nightly');
  await sf.locator('input[name=schedule-cron]').fill('0 3 * *');
  await sf.locator('input[name=schedule-command]').fill('python3 x.py');
  await sf.getByRole('button', { name: 'Add schedule' }).click();
  await page.getByTestId('schedule-problem').getByText('A cron expression has 5 fields; this one has 4.').waitFor();
  await sf.locator('input[name=schedule-cron]').fill('0 3 * * *');
  await sf.getByRole('button', { name: 'Add schedule' }).click();
  await page.locator('[data-testid=schedules-table] tr[data-schedule=nightly]').waitFor();
    // A job that executes a tracking run: the job page links to the run, the run page back.
    const submitted = await api('POST', `/api/v1/projects/${PROJECT}/jobs`, {
      name: 'tracked', experiment: 'ui-jobs', run_name: 'tracked-run', payload: { command: ['true'] },
    });
    const runId = submitted.job.run_id;
    assert.match(runId, /^[0-9a-f]{32}$/);
    const tracked = await claim();
    assert.equal(tracked.id, submitted.job.id);
    await api('POST', `/api/v1/jobs/${tracked.id}/finish`, { worker: WORKER, exit_code: 0 });
    await page.goto(`${server.base}/jobs/${tracked.id}`);
    await page.getByTestId('job-run-link').click();
    await page.waitForURL(new RegExp(`/runs/${runId}$`));
    await page.getByRole('heading', { name: /tracked-run/ }).waitFor();
    const back = page.getByTestId('run-job-link');
    assert.match(await back.innerText(), new RegExp(`${tracked.id}`));
    await back.click();
    await page.waitForURL(new RegExp(`/jobs/${tracked.id}$`));
    await page.getByTestId('job-run-link').waitFor();
    await shot('jobs-run-link.png');

  assert.deepEqual(pageErrors, []);
});
