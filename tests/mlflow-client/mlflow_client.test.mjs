// The unmodified npm `mlflow` client (2.0.7) against a real Moebius server.
// Run: MOEBIUS_BIN=build/moebius node --test tests/mlflow-client/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const MLflow = require('mlflow');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.MOEBIUS_BIN ?? join(ROOT, 'build', 'moebius');

function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'moebius-mlflow-'));
  const proc = spawn(BIN, ['server', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server printed no address in 20 s: ${stderr}`)), 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        const pwFile = join(dataDir, 'initial-admin-password');
        assert.equal(statSync(pwFile).mode & 0o777, 0o600);
        resolve({ proc, dataDir, url: m[1], password: readFileSync(pwFile, 'utf8').trim() });
      }
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
}

let server;
let adminToken;
const quiet = console.log;

async function api(method, path, body, token = adminToken) {
  const r = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await r.json().catch(() => null);
  assert.equal(r.status, 200, `${method} ${path} -> ${r.status} ${JSON.stringify(data)}`);
  return data;
}

async function login(username, password) {
  const r = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(r.status, 200);
  return (await r.json()).token;
}

// The client's errors are Error("Error: {status, statusText, data}"); this returns {status, data}.
function failure(err) {
  const text = String(err.message).replace(/^Error: /, '');
  return JSON.parse(text);
}

before(async () => {
  server = await startServer();
  adminToken = await login('admin', server.password);
  console.log = () => {}; // the client prints every request body it sends
});

after(() => {
  console.log = quiet;
  server?.proc.kill('SIGTERM');
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
});

test('experiments, runs, metrics, params, batch, tags, search, history, update, delete, restore', async () => {
  const client = new MLflow({ endpoint: server.url, headers: { Authorization: `Bearer ${adminToken}` } });
  const { Experiments, Runs, Metrics, Artifacts } = client;

  const { experiment_id } = await Experiments.create({ name: 'npm-client' });
  assert.match(experiment_id, /^\d+$/);
  const { experiment } = await Experiments.get({ experiment_id });
  assert.equal(experiment.name, 'npm-client');
  assert.equal(experiment.lifecycle_stage, 'active');
  const listed = await Experiments.list();
  assert.ok(listed.experiments.some((e) => e.experiment_id === experiment_id));
  const dup = failure(await Experiments.create({ name: 'npm-client' }).then(() => assert.fail('duplicate accepted'), (e) => e));
  assert.equal(dup.status, 400);
  assert.equal(dup.data.error_code, 'RESOURCE_ALREADY_EXISTS');

  const start = Date.now();
  const { run } = await Runs.create({ experiment_id, start_time: start, tags: [{ key: 'team', value: 'ml' }] });
  const run_id = run.info.run_id;
  assert.equal(run.info.status, 'RUNNING');
  assert.equal(run.info.experiment_id, experiment_id);
  assert.equal(run.info.start_time, start);
  assert.equal(run.info.lifecycle_stage, 'active');

  await Runs.logMetric({ run_id, key: 'loss', value: 0.9, timestamp: Date.now(), step: 0 });
  await Runs.logParameter({ run_id, key: 'lr', value: '0.01' });
  await Runs.logParameter({ run_id, key: 'lr', value: '0.01' }); // the same value again is fine
  await Runs.logBatch({
    run_id,
    metrics: [1, 2, 3].map((step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: Date.now(), step })),
    params: [{ key: 'depth', value: '6' }],
    tags: [{ key: 'stage', value: 'dev' }],
  });
  const changed = failure(await Runs.logParameter({ run_id, key: 'lr', value: '0.5' }).then(() => assert.fail('changed param accepted'), (e) => e));
  assert.equal(changed.status, 400);
  assert.equal(changed.data.error_code, 'INVALID_PARAMETER_VALUE');
  await Runs.setTag({ run_id, key: 'note', value: 'hello' });
  await Runs.deleteTag({ run_id, key: 'stage' });

  const found = await Runs.search({ experiment_ids: [experiment_id], filter: "params.depth = '6' and metrics.loss < 0.5" });
  assert.equal(found.runs.length, 1);
  assert.equal(found.runs[0].info.run_id, run_id);
  const none = await Runs.search({ experiment_ids: [experiment_id], filter: 'metrics.loss > 10' });
  assert.equal(none.runs?.length ?? 0, 0);
  const badFilter = failure(await Runs.search({ experiment_ids: [experiment_id], filter: 'metrics.loss >' }).then(() => assert.fail(), (e) => e));
  assert.equal(badFilter.status, 400);
  assert.equal(badFilter.data.error_code, 'INVALID_PARAMETER_VALUE');

  const history = await Metrics.getHistory({ run_id, metric_key: 'loss' });
  assert.deepEqual(history.metrics.map((m) => m.step), [0, 1, 2, 3]);
  assert.deepEqual(history.metrics.map((m) => m.value), [0.9, 1 / 2, 1 / 3, 1 / 4]);

  const end = Date.now();
  await Runs.update({ run_id, status: 'FINISHED', end_time: end });
  const got = await Runs.get({ run_id });
  assert.equal(got.run.info.status, 'FINISHED');
  assert.equal(got.run.info.end_time, end);
  assert.deepEqual(got.run.data.params.map((p) => `${p.key}=${p.value}`).sort(), ['depth=6', 'lr=0.01']);
  const tags = Object.fromEntries(got.run.data.tags.map((t) => [t.key, t.value]));
  assert.equal(tags.team, 'ml');
  assert.equal(tags.note, 'hello');
  assert.equal(tags.stage, undefined);
  const latest = got.run.data.metrics.find((m) => m.key === 'loss');
  assert.equal(latest.step, 3); // the latest value of a metric is the one at the highest step
  assert.equal(latest.value, 1 / 4);

  // An artifact uploaded through the proxied artifact API is listed by the client.
  const put = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${experiment_id}/${run_id}/artifacts/model/model.txt`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${adminToken}` },
    body: 'weights',
  });
  assert.equal(put.status, 200);
  const files = await Artifacts.list({ run_id });
  assert.deepEqual(files.files.map((f) => [f.path, f.is_dir]), [['model', true]]);
  const inner = await Artifacts.list({ run_id, path: 'model' });
  assert.deepEqual(inner.files.map((f) => [f.path, f.is_dir, Number(f.file_size)]), [['model/model.txt', false, 7]]);

  await Runs.delete({ run_id });
  const afterDelete = await Runs.search({ experiment_ids: [experiment_id] });
  assert.equal(afterDelete.runs?.length ?? 0, 0);
  assert.equal((await Runs.get({ run_id })).run.info.lifecycle_stage, 'deleted');
  const deletedOnly = await Runs.search({ experiment_ids: [experiment_id], run_view_type: 'DELETED_ONLY' });
  assert.deepEqual(deletedOnly.runs.map((r) => r.info.run_id), [run_id]);
  await Runs.restore({ run_id });
  const afterRestore = await Runs.search({ experiment_ids: [experiment_id] });
  assert.equal(afterRestore.runs.length, 1);

  await Experiments.update({ experiment_id, new_name: 'npm-client-renamed' });
  assert.equal((await Experiments.get({ experiment_id })).experiment.name, 'npm-client-renamed');
  await Experiments.delete({ experiment_id });
  assert.equal((await Experiments.get({ experiment_id })).experiment.lifecycle_stage, 'deleted');
  const active = await Experiments.list();
  assert.ok(!(active.experiments ?? []).some((e) => e.experiment_id === experiment_id));
  const deleted = await Experiments.list({ view_type: 'DELETED_ONLY' });
  assert.ok(deleted.experiments.some((e) => e.experiment_id === experiment_id));
  await Experiments.restore({ experiment_id });
  assert.equal((await Experiments.get({ experiment_id })).experiment.lifecycle_stage, 'active');
  assert.equal((await Runs.search({ experiment_ids: [experiment_id] })).runs.length, 1);
});

test('search pages through runs with order_by and page_token', async () => {
  const client = new MLflow({ endpoint: server.url, headers: { Authorization: `Bearer ${adminToken}` } });
  const { experiment_id } = await client.Experiments.create({ name: 'npm-paging' });
  const ids = [];
  for (let i = 0; i < 7; i++) {
    const { run } = await client.Runs.create({ experiment_id, start_time: 1000 + i });
    await client.Runs.logMetric({ run_id: run.info.run_id, key: 'acc', value: i / 10, timestamp: 1, step: 0 });
    ids.push(run.info.run_id);
  }
  const seen = [];
  let page_token;
  for (;;) {
    const page = await client.Runs.search({ experiment_ids: [experiment_id], order_by: ['metrics.acc DESC'], max_results: 3, page_token });
    assert.ok(page.runs.length <= 3);
    seen.push(...page.runs.map((r) => r.info.run_id));
    page_token = page.next_page_token;
    if (!page_token) break;
  }
  assert.deepEqual(seen, [...ids].reverse());
});

test('a model developer with a project header and HTTP Basic, and refusals the client reports', async () => {
  await api('POST', '/api/v1/projects', { name: 'npm-team' });
  await api('POST', '/api/v1/users', { username: 'npm-dev', password: 'password-123', global_role: 'model-developer' });
  await api('PUT', '/api/v1/projects/npm-team/members/npm-dev', { role: 'model-developer' });
  await api('POST', '/api/v1/users', { username: 'npm-viewer', password: 'password-123', global_role: 'viewer' });
  await api('PUT', '/api/v1/projects/npm-team/members/npm-viewer', { role: 'viewer' });

  const basic = `Basic ${Buffer.from('npm-dev:password-123').toString('base64')}`;
  const dev = new MLflow({ endpoint: server.url, headers: { Authorization: basic, 'X-Moebius-Project': 'npm-team' } });
  const { experiment_id } = await dev.Experiments.create({ name: 'team-exp' });
  const exps = await api('GET', '/api/v1/projects/npm-team/experiments');
  assert.ok(exps.experiments.some((e) => e.experiment_id === experiment_id), 'the experiment landed in the header\'s project');
  const { run } = await dev.Runs.create({ experiment_id, start_time: Date.now() });
  assert.equal(run.info.user_id, 'npm-dev');
  await dev.Runs.logBatch({ run_id: run.info.run_id, metrics: [{ key: 'f1', value: 0.8, timestamp: Date.now(), step: 0 }] });

  const viewerToken = await login('npm-viewer', 'password-123');
  const viewer = new MLflow({ endpoint: server.url, headers: { Authorization: `Bearer ${viewerToken}` } });
  assert.equal((await viewer.Runs.get({ run_id: run.info.run_id })).run.info.run_id, run.info.run_id);
  const refused = failure(await viewer.Runs.logMetric({ run_id: run.info.run_id, key: 'f1', value: 1, timestamp: 1, step: 1 })
    .then(() => assert.fail('a viewer logged a metric'), (e) => e));
  assert.equal(refused.status, 403);
  assert.equal(refused.data.error_code, 'PERMISSION_DENIED');

  const anonymous = new MLflow({ endpoint: server.url });
  const anon = failure(await anonymous.Experiments.list().then(() => assert.fail('anonymous list accepted'), (e) => e));
  assert.equal(anon.status, 401);
  assert.equal(anon.data.error_code, 'UNAUTHENTICATED');

  const wrong = new MLflow({ endpoint: server.url, headers: { Authorization: `Basic ${Buffer.from('npm-dev:nope-nope').toString('base64')}` } });
  assert.equal(failure(await wrong.Runs.get({ run_id: run.info.run_id }).then(() => assert.fail(), (e) => e)).status, 401);
  const missing = failure(await dev.Runs.get({ run_id: '0'.repeat(32) }).then(() => assert.fail(), (e) => e));
  assert.equal(missing.status, 404);
  assert.equal(missing.data.error_code, 'RESOURCE_DOES_NOT_EXIST');
});
