// How long the run page of an XGBoost run takes to be usable (issue 17, item 4), for one or more
// builds of the web UI served by the same server, alternated (A B A B ...) so that a before and
// after share the same minutes.
//
//   node bench/run_page.mjs [--rounds N] NAME=WEB_DIST [NAME=WEB_DIST ...]
//   bench/run_page.sh              builds today's UI (main) and this tree's, and runs both
//
// The server runs `--demo` (a 4-trial XGBoost study on a generated churn table, as `make up`
// shows a newcomer); the page measured is the best trial's run. "Usable" is the first animation
// frame, counted from the navigation's start, at which the run's title is shown, nothing on the
// page is loading, and every chart on it has drawn (an ECharts canvas or SVG of non-zero size):
// the same condition for every build. Each load is a fresh navigation of a signed-in tab with a
// warm HTTP cache (one unmeasured load first) in a fresh Chromium profile. Prints one JSON line per load and a summary per
// build: median and min-max ms, the page's height, and the number of charts.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, launchBrowser, stopServer } from '../tests/browser/harness.mjs';

const args = process.argv.slice(2);
let rounds = 7;
const arms = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--rounds') rounds = Number(args[++i]);
  else {
    const [name, dir] = args[i].split('=');
    arms.push({ name, dir });
  }
}
if (arms.length === 0) {
  console.error('usage: node bench/run_page.mjs [--rounds N] NAME=WEB_DIST [NAME=WEB_DIST ...]');
  process.exit(2);
}

function start(dataDir, webDir) {
  const proc = spawn(BIN, ['server', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--workers', '1', '--demo', '--web-dir', webDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = [];
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (c) => {
      out.push(c.toString());
      const m = /listening on (http:\/\/\S+)/.exec(out.join(''));
      if (m) resolve({ proc, base: m[1].replace(/\/$/, ''), out });
    });
    proc.stderr.on('data', (c) => out.push(c.toString()));
    proc.on('exit', (code) => reject(new Error(`server exited (${code}):\n${out.join('')}`)));
  });
}

/** Waits until the demo says it is done (a restart skips what is done, but checks each step). */
async function demoDone(server, seconds = 900) {
  for (let i = 0; i < seconds * 2; i++) {
    const out = server.out.join('');
    if (/demo: done/.test(out)) return;
    if (/demo: (stopped|failed)/.test(out)) throw new Error(`the demo did not finish:\n${out}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the demo did not finish in time');
}

async function api(base, token, method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

/** Resolves with ms from navigation start until the page is usable (see the header). */
async function measure(page, url) {
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    () => {
      const h1 = document.querySelector('h1');
      if (!h1 || !h1.textContent.trim()) return false;
      if (document.querySelector('.loading')) return false;
      const charts = [...document.querySelectorAll('.echart')];
      if (charts.some((c) => {
        const g = c.querySelector('canvas, svg');
        return !g || g.getBoundingClientRect().width === 0;
      })) return false;
      // A metrics card must be there (its table or its charts), so an empty shell does not count.
      if (!document.querySelector('[data-testid=metric-chart], [data-testid=metrics-table], table')) return false;
      return { ms: performance.now(), height: document.documentElement.scrollHeight, charts: charts.length };
    },
    null,
    { polling: 'raf', timeout: 60_000 },
  );
  return handle.jsonValue();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const dataDir = mkdtempSync(join(tmpdir(), 'moebius-bench-page-'));
let server;
let context;
try {
  // One demo for all arms: the server restarts with each arm's UI on the same data.
  server = await start(dataDir, arms[0].dir);
  const password = readFileSync(join(dataDir, 'initial-admin-password'), 'utf8').trim();
  const { token } = await api(server.base, null, 'POST', '/api/v1/auth/login', { username: 'admin', password });
  let best;
  for (let i = 0; i < 600 && !best; i++) {
    const { studies } = await api(server.base, token, 'GET', '/api/v1/projects/demo/studies').catch(() => ({ studies: [] }));
    const s = studies?.find((x) => x.name === 'churn-xgb');
    if (s && s.state === 'completed') best = s.best_trial.run_id;
    else await new Promise((r) => setTimeout(r, 1000));
  }
  if (!best) throw new Error('the demo study did not complete');
  await demoDone(server);
  const { run } = await api(server.base, token, 'GET', `/api/v1/runs/${best}`);
  console.log(JSON.stringify({ run: best, metrics: run.data.metrics.length, params: run.data.params.length, load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') }));
  await stopServer(server.proc);
  server = null;

  const results = Object.fromEntries(arms.map((a) => [a.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const arm of arms) {
      server = await start(dataDir, arm.dir);
      await demoDone(server);
      // A fresh profile each time (no session or cache from another arm's server).
      const fresh = mkdtempSync(join(tmpdir(), 'moebius-bench-chromium-'));
      context = await launchBrowser(fresh);
      const page = context.pages()[0] ?? (await context.newPage());
      // Sign in through the form once (the UI keeps its own session cookie).
      await page.goto(`${server.base}/login`);
      await page.fill('input[name=username]', 'admin');
      await page.fill('input[name=password]', password);
      await page.click('button[type=submit]');
      await page.getByTestId('current-user').waitFor();
      const url = `${server.base}/runs/${best}`;
      await measure(page, url); // warm the cache
      const r = await measure(page, url);
      results[arm.name].push(r);
      console.log(JSON.stringify({ arm: arm.name, round, ...r, ms: Math.round(r.ms) }));
      await context.close();
      context = null;
      rmSync(fresh, { recursive: true, force: true });
      await stopServer(server.proc);
      server = null;
    }
  }
  const first = median(results[arms[0].name].map((r) => r.ms));
  for (const arm of arms) {
    const ms = results[arm.name].map((r) => r.ms);
    const m = median(ms);
    console.log(
      JSON.stringify({
        summary: arm.name,
        median_ms: Math.round(m),
        min_ms: Math.round(Math.min(...ms)),
        max_ms: Math.round(Math.max(...ms)),
        page_height_px: results[arm.name][0].height,
        charts: results[arm.name][0].charts,
        ratio_to_first: Number((m / first).toFixed(2)),
      }),
    );
  }
} finally {
  if (context) await context.close().catch(() => {});
  if (server) await stopServer(server.proc);
  rmSync(dataDir, { recursive: true, force: true });
}
