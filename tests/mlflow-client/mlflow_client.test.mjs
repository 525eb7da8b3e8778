// The unmodified npm `mlflow` client (2.0.7) against a real Moebius server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  const proc = spawn(BIN, ['server', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--no-access-log'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve({ proc, dataDir, url: m[1], password: readFileSync(join(dataDir, 'initial-admin-password'), 'utf8').trim() });
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
}

test('npm mlflow client: experiments, runs, metrics, params, batch, search, history, update, delete, restore', async (t) => {
  const server = await startServer();
  t.after(() => {
    server.proc.kill('SIGTERM');
    rmSync(server.dataDir, { recursive: true, force: true });
  });
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ username: 'admin', password: server.password }),
  });
  const { token } = await login.json();
  const client = new MLflow({ endpoint: server.url, headers: { Authorization: `Bearer ${token}` } });
  const { Experiments, Runs, Metrics } = client;
  const quiet = console.log;
  console.log = () => {}; // the client prints every request body
  t.after(() => (console.log = quiet));

  const { experiment_id } = await Experiments.create({ name: 'npm-client' });
  assert.match(experiment_id, /^\d+$/);
  const { experiment } = await Experiments.get({ experiment_id });
  assert.equal(experiment.name, 'npm-client');
  const listed = await Experiments.list();
  assert.ok(listed.experiments.some((e) => e.experiment_id === experiment_id));

  const { run } = await Runs.create({ experiment_id, start_time: Date.now(), tags: [{ key: 'team', value: 'ml' }] });
  const run_id = run.info.run_id;
  assert.equal(run.info.status, 'RUNNING');

  await Runs.logMetric({ run_id, key: 'loss', value: 0.9, timestamp: Date.now(), step: 0 });
  await Runs.logParameter({ run_id, key: 'lr', value: '0.01' });
  await Runs.logBatch({
    run_id,
    metrics: [1, 2, 3].map((step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: Date.now(), step })),
    params: [{ key: 'depth', value: '6' }],
    tags: [{ key: 'stage', value: 'dev' }],
  });
  await assert.rejects(Runs.logParameter({ run_id, key: 'lr', value: '0.5' }), /INVALID_PARAMETER_VALUE/);

  const found = await Runs.search({ experiment_ids: [experiment_id], filter: "params.depth = '6' and metrics.loss < 0.5" });
  assert.equal(found.runs.length, 1);
  assert.equal(found.runs[0].info.run_id, run_id);
  const none = await Runs.search({ experiment_ids: [experiment_id], filter: 'metrics.loss > 10' });
  assert.equal(none.runs?.length ?? 0, 0);

  const history = await Metrics.getHistory({ run_id, metric_key: 'loss' });
  assert.deepEqual(history.metrics.map((m) => m.step), [0, 1, 2, 3]);

  const end = Date.now();
  await Runs.update({ run_id, status: 'FINISHED', end_time: end });
  const got = await Runs.get({ run_id });
  assert.equal(got.run.info.status, 'FINISHED');
  assert.equal(got.run.info.end_time, end);
  assert.deepEqual(got.run.data.params.map((p) => p.key).sort(), ['depth', 'lr']);

  await Runs.delete({ run_id });
  const afterDelete = await Runs.search({ experiment_ids: [experiment_id] });
  assert.equal(afterDelete.runs?.length ?? 0, 0);
  assert.equal((await Runs.get({ run_id })).run.info.lifecycle_stage, 'deleted');
  await Runs.restore({ run_id });
  const afterRestore = await Runs.search({ experiment_ids: [experiment_id] });
  assert.equal(afterRestore.runs.length, 1);
});
