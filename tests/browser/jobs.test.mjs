// End-to-end test of the job queue UI: the Jobs tab, the submit form and the job page's live log.
//
//   node --test tests/browser/jobs.test.mjs
//
// The test plays the worker itself through the worker API with the admin's token (admin holds
// worker.run); a server that has embedded workers is started with `--workers 0` so that none
// races it. In chromium: project → Jobs tab (empty) → a bad command (the form's own message) and
// an empty one (the server's 400, nothing queued) → a job with quotes, env and resources (argv
// preview; queued in the table with its resources) → the worker claims it and the table turns to
// running by itself → job page: log lines appended one by one appear live and in order, without
// their ANSI colours → exit 0: succeeded, exit code 0, log complete, no Cancel → a second job typed
// one argument per line → claimed → many lines keep the view at the end; scrolled up it stays put
// until "Jump to the end"; 2.7 MB of output leave a "not shown" note → Cancel in the UI → the
// worker's heartbeat sees cancel_requested, it finishes → cancelled → Korean labels.
// Screenshots go to tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { adminClient, browserSession, loginInBrowser, serverHasFlag } from './harness.mjs';

const PROJECT = 'jobs-ui';
const WORKER = 'test-worker';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('jobs UI: submit, queue, live log, finish, cancel', { timeout: 240_000 }, async (t) => {
  // Embedded workers (when the server has them) would take our jobs; this test is the worker.
  const { server, password, openPage } = await browserSession(t, 'jobs', { args: serverHasFlag('--workers') ? ['--workers', '0'] : [] });
  const { api } = await adminClient(server.base, password);
  await api('POST', '/api/v1/projects', { name: PROJECT, display_name: 'Jobs UI project' });
  const listJobs = async () => (await api('GET', `/api/v1/projects/${PROJECT}/jobs`)).jobs;
  const claim = async () =>
    (await api('POST', '/api/v1/workers/claim', { worker: WORKER, lease_s: 120, resources: { cpus: 8, memory_mb: 16384, gpus: 0 } })).job;
  const log = (id, text) => api('POST', `/api/v1/jobs/${id}/log`, { worker: WORKER, text });

  const { page, pageErrors, shot } = await openPage();
  const logText = () => page.getByTestId('job-log').evaluate((el) => el.textContent);
  const chipState = (scope) => scope.getByTestId('job-state').first().getAttribute('data-state');

  try {
    await loginInBrowser(page, server.base, password);
    await page.goto(`${server.base}/projects/${PROJECT}`);
    await page.getByRole('tab', { name: 'Jobs' }).click();
    await page.waitForURL(/tab=jobs/);
    await page.getByTestId('jobs').getByText('No jobs in this project yet.').waitFor();

    // The form names its own syntax problems, and shows the server's 400 for the rest.
    await page.getByRole('button', { name: 'Submit job' }).click();
    const form = page.getByTestId('job-form');
    const command = form.locator('textarea[name=job-command]');
    await command.fill('echo "unfinished');
    await form.getByRole('button', { name: 'Submit', exact: true }).click();
    assert.equal((await form.getByTestId('job-problem').innerText()).trim(), 'Character 6: this " quote is never closed.');
    await command.fill('');
    await form.locator('textarea[name=job-env]').fill('SEED=7');
    await form.getByRole('button', { name: 'Submit', exact: true }).click();
    const refused = form.getByTestId('job-error').getByRole('alert');
    await refused.waitFor();
    const refusedText = await refused.innerText();
    assert.match(refusedText, /The server refused the job:/);
    assert.match(refusedText, /a command job needs payload\.command: a non-empty list of strings/);
    assert.equal(await form.getByTestId('job-problem').count(), 0, 'the old form problem is gone');
    assert.equal((await listJobs()).length, 0, 'a refused submission queues nothing');
    await shot('jobs-refused.png');

    // A real job: quotes keep blanks, the preview shows the argv that will be sent.
    await form.locator('input[name=job-name]').fill('train-1');
    await command.fill(`python3 -c "print('hi there')" --note 'a b'`);
    const preview = await form.getByTestId('argv-item').allInnerTexts();
    assert.deepEqual(preview, ['python3', '-c', "print('hi there')", '--note', 'a b']);
    await form.locator('textarea[name=job-env]').fill('SEED=7\n# comment\nMODE=fast=yes');
    await form.locator('input[name=job-priority]').fill('5');
    await form.locator('input[name=job-cpus]').fill('2');
    await form.locator('input[name=job-memory]').fill('1024');
    await form.locator('input[name=job-timeout]').fill('600');
    await form.locator('input[name=job-attempts]').fill('2');
    await form.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.getByTestId('job-submitted').getByText('Job #1 submitted.').waitFor();
    assert.equal(await page.getByTestId('job-form').count(), 0, 'the form closes after a submission');
    const row1 = page.locator('[data-testid=jobs-table] tr[data-job="1"]');
    await row1.waitFor();
    assert.equal(await chipState(row1), 'queued');
    assert.equal((await row1.getByTestId('job-state').innerText()).trim(), 'Queued');
    assert.equal((await row1.locator('[data-stat=name]').innerText()).trim(), 'train-1');
    assert.equal((await row1.locator('[data-stat=resources]').innerText()).trim(), '2 CPU · 1 GiB');
    assert.equal((await row1.locator('[data-stat=attempts]').innerText()).trim(), '0/2');
    assert.equal((await row1.locator('[data-stat=priority]').innerText()).trim(), '5');
    const [sent] = await listJobs();
    assert.deepEqual(sent.payload, { command: ['python3', '-c', "print('hi there')", '--note', 'a b'], env: { SEED: '7', MODE: 'fast=yes' } });
    assert.deepEqual([sent.priority, sent.timeout_s, sent.max_attempts, sent.created_by], [5, 600, 2, 'admin']);
    await page.getByText('Refreshing every 2 s while jobs are queued or running').waitFor();
    await shot('jobs-queued.png');

    // The worker claims it; the table notices by itself (no reload).
    const claimed = await claim();
    assert.equal(claimed.id, 1);
    await page.waitForFunction(() => document.querySelector('tr[data-job="1"] [data-testid=job-state]')?.getAttribute('data-state') === 'running');
    assert.equal((await row1.locator('[data-stat=worker]').innerText()).trim(), WORKER);
    assert.equal((await row1.locator('[data-stat=attempts]').innerText()).trim(), '1/2');
    // The state filter asks the server for one state.
    await page.locator('select[name=job-state]').selectOption('succeeded');
    await page.getByText('No jobs in this state.').waitFor();
    await page.locator('select[name=job-state]').selectOption('running');
    await row1.waitFor();
    await page.locator('select[name=job-state]').selectOption('');

    // Job page: lines appear live, in order, without ANSI colours.
    await row1.getByRole('link', { name: '#1' }).click();
    await page.waitForURL(/\/jobs\/1$/);
    await page.getByRole('heading', { name: /Job #1/ }).waitFor();
    assert.equal(await chipState(page.locator('.page-head')), 'running');
    assert.match(await page.locator('[data-field=command] dd').innerText(), /python3 -c 'print\('\\''hi there'\\''\)' --note 'a b'/);
    assert.deepEqual((await page.locator('[data-field=env] dd').innerText()).split('\n').sort(), ['MODE=fast=yes', 'SEED=7']);
    await page.getByTestId('job-log').getByText('No output yet.').waitFor();
    assert.equal(await page.getByTestId('log-status').getAttribute('data-done'), 'false');
    const lines = [];
    for (let i = 1; i <= 5; i++) {
      const line = `epoch ${i} loss=${(1 / i).toFixed(3)}`;
      lines.push(line);
      await log(1, `\x1b[32m${line.slice(0, 7)}\x1b[0m${line.slice(7)}\n`);
      // Each line shows up before the next is written: the page follows, it does not wait for the end.
      await page.waitForFunction((want) => document.querySelector('[data-testid=job-log]')?.textContent === want, lines.map((l) => `${l}\n`).join(''));
      await sleep(300);
    }
    assert.equal(await logText(), lines.map((l) => `${l}\n`).join(''));
    assert.ok(!(await logText()).includes('\x1b'), 'no escape codes on screen');
    // The running time ticks on its own (the job itself has not changed).
    await page.waitForFunction(() => /^([1-9]\d*s|\d+m \d+s)$/.test(document.querySelector('[data-field=duration] dd')?.textContent ?? ''));
    await shot('jobs-live-log.png');

    // Exit 0: succeeded, exit code shown, the log is complete, no Cancel any more.
    const finished = await api('POST', '/api/v1/jobs/1/finish', { worker: WORKER, exit_code: 0 });
    assert.equal(finished.job.state, 'succeeded');
    await page.waitForFunction(() => document.querySelector('.page-head [data-testid=job-state]')?.getAttribute('data-state') === 'succeeded');
    assert.equal((await page.locator('.page-head [data-testid=job-state]').innerText()).trim(), 'Succeeded');
    await page.waitForFunction(() => document.querySelector('[data-testid=log-status]')?.getAttribute('data-done') === 'true');
    assert.equal((await page.locator('[data-field=exit-code] dd').innerText()).trim(), '0');
    assert.equal(await page.getByTestId('job-cancel').count(), 0, 'no Cancel for a finished job');
    assert.equal(await logText(), lines.map((l) => `${l}\n`).join(''));
    await shot('jobs-succeeded.png');

    // A second job, typed one argument per line.
    await page.getByRole('link', { name: 'Jobs UI project' }).click();
    await page.waitForURL(/tab=jobs/);
    await page.getByRole('button', { name: 'Submit job' }).click();
    await form.locator('input[name=job-name]').fill('long-run');
    await form.getByRole('button', { name: 'One argument per line' }).click();
    await command.fill('bash\n-c\nsleep 600; echo done');
    assert.deepEqual(await form.getByTestId('argv-item').allInnerTexts(), ['bash', '-c', 'sleep 600; echo done']);
    await form.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.getByTestId('job-submitted').getByText('Job #2 submitted.').waitFor();
    assert.deepEqual((await api('GET', '/api/v1/jobs/2')).job.payload.command, ['bash', '-c', 'sleep 600; echo done']);
    assert.equal((await claim()).id, 2);
    await page.getByTestId('job-submitted').getByRole('link', { name: 'Open it' }).click();
    await page.waitForURL(/\/jobs\/2$/);

    // Many lines: the view stays at the end; scrolled up, it stays put until "Jump to the end".
    const atEnd = () => page.getByTestId('job-log').evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 30);
    await log(2, Array.from({ length: 300 }, (_, i) => `step ${i + 1}\n`).join(''));
    await page.getByTestId('job-log').getByText('step 300').waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid=job-log]');
      return el && el.scrollHeight > el.clientHeight && el.scrollTop + el.clientHeight >= el.scrollHeight - 30;
    });
    await page.getByTestId('job-log').evaluate((el) => {
      el.scrollTop = 0;
      el.dispatchEvent(new Event('scroll'));
    });
    await page.getByTestId('log-jump').waitFor();
    await log(2, 'after scrolling up\n');
    await page.getByTestId('job-log').getByText('after scrolling up').waitFor();
    await sleep(200);
    assert.equal(await page.getByTestId('job-log').evaluate((el) => el.scrollTop), 0, 'a reader who scrolled up is not pulled down');
    await page.getByTestId('log-jump').click();
    assert.ok(await atEnd(), 'Jump to the end scrolls down');
    assert.equal(await page.getByTestId('log-jump').count(), 0);

    // More than 2 MiB of output: the oldest part is dropped, with a note; the newest is there.
    const filler = (tag) => Array.from({ length: 9000 }, (_, i) => `${tag} ${String(i).padStart(5, '0')} ${'x'.repeat(86)}\n`).join('');
    for (const tag of ['bulk-a', 'bulk-b', 'bulk-c']) await log(2, filler(tag));
    await log(2, 'last line\n');
    await page.getByTestId('job-log').getByText('last line').waitFor({ timeout: 30_000 });
    await page.getByTestId('log-dropped').waitFor();
    assert.match(await page.getByTestId('log-dropped').innerText(), /The oldest .* of output are not shown: this page keeps only the last 2\.0 MiB\./);
    const big = await logText();
    assert.ok(big.length <= 2 * 1024 * 1024, `kept ${big.length} characters`);
    assert.ok(!big.includes('step 1\n'), 'the oldest lines are gone');
    assert.ok(big.endsWith('bulk-c 08999 ' + 'x'.repeat(86) + '\nlast line\n'));
    assert.ok(await atEnd(), 'still following the end');
    await shot('jobs-big-log.png');

    // Cancel from the UI reaches the worker through its heartbeat.
    page.once('dialog', (d) => d.accept());
    await page.getByTestId('job-cancel').click();
    await page.getByTestId('job-cancelling').getByText('Cancel requested; waiting for the worker to stop the job.').waitFor();
    assert.match(await page.locator('.page-head [data-testid=job-state]').innerText(), /Running · stopping/);
    assert.equal(await page.getByTestId('job-cancel').count(), 0, 'no second Cancel while stopping');
    const beat = await api('POST', '/api/v1/jobs/2/heartbeat', { worker: WORKER, lease_s: 120 });
    assert.equal(beat.cancel_requested, true);
    await log(2, 'terminated\n');
    await api('POST', '/api/v1/jobs/2/finish', { worker: WORKER, exit_code: -15 });
    await page.waitForFunction(() => document.querySelector('.page-head [data-testid=job-state]')?.getAttribute('data-state') === 'cancelled');
    assert.equal((await page.locator('.page-head [data-testid=job-state]').innerText()).trim(), 'Cancelled');
    await page.getByTestId('job-log').getByText('terminated').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=log-status]')?.getAttribute('data-done') === 'true');
    assert.equal(await page.getByTestId('job-cancelling').count(), 0);
    await shot('jobs-cancelled.png');

    // Korean, once: the job page and the tab.
    await page.getByRole('button', { name: '한국어' }).click();
    await page.getByRole('heading', { name: /작업 #2/ }).waitFor();
    assert.equal((await page.locator('.page-head [data-testid=job-state]').innerText()).trim(), '취소됨');
    await page.getByRole('heading', { name: '로그' }).waitFor();
    await page.getByText('로그 끝').waitFor();
    await page.goto(`${server.base}/projects/${PROJECT}?tab=jobs`);
    await page.getByRole('tab', { name: '작업', exact: true }).waitFor();
    await page.getByRole('button', { name: '작업 제출' }).waitFor();
    await page.getByRole('columnheader', { name: '제출자' }).waitFor();
    assert.equal((await page.locator('tr[data-job="1"] [data-testid=job-state]').innerText()).trim(), '성공');
    await shot('jobs-ko.png');

    assert.deepEqual(pageErrors, [], 'no uncaught page errors');
  } catch (e) {
    await shot('jobs-failure.png').catch(() => {});
    throw new Error(`${e.message}\n--- server log ---\n${server.logs.join('').slice(-4000)}`, { cause: e });
  }
});
