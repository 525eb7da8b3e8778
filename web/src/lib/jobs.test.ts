import { describe, expect, it } from 'vitest';
import {
  anyActive,
  canCancel,
  EMPTY_JOB_FORM,
  formatResources,
  isActiveState,
  jobRunMillis,
  jobFormOf,
  jobSubmission,
  parseDataLines,
  groupLabel,
  LogBuffer,
  parseArgv,
  parseEnv,
  quoteArgv,
  splitLines,
  splitShellWords,
  stripAnsi,
} from './jobs';

const words = (s: string) => {
  const r = splitShellWords(s);
  if (!r.ok) throw new Error(`unexpected problem ${r.problem.key}`);
  return r.value;
};

describe('splitShellWords', () => {
  it.each([
    ['python3 train.py --lr 0.1', ['python3', 'train.py', '--lr', '0.1']],
    ['  a \t b\n c  ', ['a', 'b', 'c']],
    ['', []],
    ['   \n ', []],
    [`echo 'hello world'`, ['echo', 'hello world']],
    [`echo "hello   world"`, ['echo', 'hello   world']],
    [`a'b c'd`, ['ab cd']],
    [`'' ""`, ['', '']],
    [`echo 'it''s'`, ['echo', 'its']],
    [`echo "it's"`, ['echo', "it's"]],
    [`echo 'a "b" c'`, ['echo', 'a "b" c']],
    [`echo "a \\"b\\" \\\\ \\$HOME \\n"`, ['echo', 'a "b" \\ $HOME \\n']],
    [`echo '\\n' "\\t"`, ['echo', '\\n', '\\t']],
    ['a\\ b c', ['a b', 'c']],
    ['a\\\\b', ['a\\b']],
    ['python3 -c \\\n  "print(1)"', ['python3', '-c', 'print(1)']],
    ['python3 -c \\\r\n  x', ['python3', '-c', 'x']],
    ['echo $HOME *.py | wc > out', ['echo', '$HOME', '*.py', '|', 'wc', '>', 'out']],
    ['python3 -c "import sys\nprint(sys.argv)"', ['python3', '-c', 'import sys\nprint(sys.argv)']],
    ['한글 "공백 있는 인자"', ['한글', '공백 있는 인자']],
  ])('%j', (input, expected) => {
    expect(words(input)).toEqual(expected);
  });

  it.each([
    [`echo 'abc`, 'jobs.problems.unclosedSingle', 5],
    [`echo "abc`, 'jobs.problems.unclosedDouble', 5],
    [`echo "a\\"`, 'jobs.problems.unclosedDouble', 5],
    ['echo abc\\', 'jobs.problems.trailingBackslash', 8],
  ])('%j is refused', (input, key, at) => {
    expect(splitShellWords(input)).toEqual({ ok: false, problem: { key, at } });
  });

  it('reads back what quoteArgv writes', () => {
    const argvs = [
      ['python3', '-c', "print('hi')"],
      ['a b', '', "it's", '"q"', '$X', 'back\\slash', 'new\nline', '--flag=1', '/p/a.py'],
    ];
    for (const argv of argvs) expect(words(quoteArgv(argv))).toEqual(argv);
    expect(quoteArgv(['python3', 'train.py', '--lr=0.1'])).toBe('python3 train.py --lr=0.1');
  });
});

describe('splitLines and parseArgv', () => {
  it('keeps each line as one argument, spaces and quotes included', () => {
    expect(splitLines('python3\n-c\nprint("a b")\n\n  \nx y \r\n')).toEqual(['python3', '-c', 'print("a b")', 'x y ']);
    expect(parseArgv("echo 'x", 'lines')).toEqual({ ok: true, value: ["echo 'x"] });
    expect(parseArgv("echo 'x y'", 'shell')).toEqual({ ok: true, value: ['echo', 'x y'] });
  });
});

describe('parseEnv', () => {
  it('reads NAME=value lines, skipping blanks and comments', () => {
    expect(parseEnv('A=1\n\n# note\n  B = two words \nURL=postgres://u@h/db?x=1\nEMPTY=\r\n')).toEqual({
      ok: true,
      value: { A: '1', B: ' two words ', URL: 'postgres://u@h/db?x=1', EMPTY: '' },
    });
    expect(parseEnv('')).toEqual({ ok: true, value: {} });
  });

  it.each([
    ['A=1\nB', 'jobs.problems.envNoEquals', 2],
    ['=1', 'jobs.problems.envNoName', 1],
    ['MY VAR=1', 'jobs.problems.envBlankInName', 1],
    ['A=1\n\nA=2', 'jobs.problems.envDuplicate', 3],
  ])('%j is refused', (input, key, line) => {
    expect(parseEnv(input)).toEqual({ ok: false, problem: { key, line } });
  });
});

describe('jobSubmission', () => {
  it('builds the POST body from the form', () => {
    const r = jobSubmission({
      ...EMPTY_JOB_FORM,
      name: ' train ',
      command: 'python3 train.py --epochs 3',
      env: 'SEED=7',
      priority: '5',
      cpus: '2.5',
      memoryMb: '4096',
      gpus: '1',
      timeoutS: '600',
      maxAttempts: '2',
    });
    expect(r).toEqual({
      ok: true,
      value: {
        kind: 'command',
        name: 'train',
        payload: { command: ['python3', 'train.py', '--epochs', '3'], env: { SEED: '7' } },
        priority: 5,
        resources: { cpus: 2.5, memory_mb: 4096, gpus: 1 },
        timeout_s: 600,
        max_attempts: 2,
      },
    });
  });

  it('leaves empty fields to the server and sends an empty command for the server to refuse', () => {
    const r = jobSubmission({ ...EMPTY_JOB_FORM, priority: '', cpus: '', memoryMb: ' ', gpus: '', timeoutS: '', maxAttempts: '' });
    expect(r).toEqual({ ok: true, value: { kind: 'command', payload: { command: [] }, resources: {} } });
  });

  it('sends numbers as typed, even ones the server will refuse', () => {
    const r = jobSubmission({ ...EMPTY_JOB_FORM, command: 'x', priority: '1.5', maxAttempts: '0', timeoutS: '-1' });
    expect(r.ok && [r.value.priority, r.value.max_attempts, r.value.timeout_s]).toEqual([1.5, 0, -1]);
  });

  it('stops at the first syntax problem', () => {
    expect(jobSubmission({ ...EMPTY_JOB_FORM, command: 'echo "x' })).toMatchObject({ ok: false, problem: { key: 'jobs.problems.unclosedDouble' } });
    expect(jobSubmission({ ...EMPTY_JOB_FORM, command: 'x', env: 'oops' })).toMatchObject({ ok: false, problem: { key: 'jobs.problems.envNoEquals', line: 1 } });
  });
});

describe('job states', () => {
  it('knows which states can change and what can be cancelled', () => {
    expect(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'].map(isActiveState)).toEqual([true, true, false, false, false, false]);
    expect(anyActive([{ state: 'succeeded' }, { state: 'failed' }])).toBe(false);
    expect(anyActive([{ state: 'succeeded' }, { state: 'queued' }])).toBe(true);
    expect(canCancel({ state: 'queued', cancel_requested: false })).toBe(true);
    expect(canCancel({ state: 'running', cancel_requested: false })).toBe(true);
    expect(canCancel({ state: 'running', cancel_requested: true })).toBe(false);
    expect(canCancel({ state: 'succeeded', cancel_requested: false })).toBe(false);
  });

  it('measures run time to the end, or to now while running', () => {
    expect(jobRunMillis({ state: 'queued', started_at: 0, finished_at: 0 }, 5000)).toBeNull();
    expect(jobRunMillis({ state: 'running', started_at: 1000, finished_at: 0 }, 5000)).toBe(4000);
    expect(jobRunMillis({ state: 'succeeded', started_at: 1000, finished_at: 3500 }, 9999)).toBe(2500);
    // Requeued after a lost worker: started once, not running now, no end.
    expect(jobRunMillis({ state: 'queued', started_at: 1000, finished_at: 0 }, 5000)).toBeNull();
  });

  it('formats resources', () => {
    expect(formatResources({ cpus: 1, memory_mb: 512, gpus: 0 })).toBe('1 CPU · 512 MiB');
    expect(formatResources({ cpus: 2.5, memory_mb: 4096, gpus: 2 })).toBe('2.5 CPU · 4 GiB · 2 GPU');
  });
});

describe('stripAnsi', () => {
  it('removes colours, cursor moves and titles', () => {
    expect(stripAnsi('\x1b[31mred\x1b[0m \x1b[1;32mbold\x1b[m\x1b[2K\x1b[1A')).toBe('red bold');
    expect(stripAnsi('\x1b]0;title\x07x\x1b]8;;http://a\x1b\\link\x1b]8;;\x1b\\')).toBe('xlink');
    expect(stripAnsi('a\x1b(Bb\x1bMc\x1b7d\x1b8')).toBe('abcd');
  });
});

describe('LogBuffer', () => {
  const chunk = (seq: number, text: string) => ({ seq, text });

  it('appends in seq order and ignores chunks already seen', () => {
    const b = new LogBuffer();
    expect(b.append([chunk(1, 'a\n'), chunk(2, 'b\n')])).toBe(true);
    expect(b.append([chunk(2, 'b\n')])).toBe(false);
    expect(b.append([chunk(1, 'a\n'), chunk(3, 'c\n')])).toBe(true);
    expect(b.text).toBe('a\nb\nc\n');
    expect(b.lastSeq).toBe(3);
    expect(b.dropped).toBe(0);
  });

  it('strips escapes split across chunks', () => {
    const b = new LogBuffer();
    b.append([chunk(1, 'start \x1b'), chunk(2, '[3'), chunk(3, '1mred\x1b[0'), chunk(4, 'm end\n')]);
    expect(b.text).toBe('start red end\n');
    b.append([chunk(5, 'x\x1b]0;ti'), chunk(6, 'tle\x07y\n')]);
    expect(b.text).toBe('start red end\nxy\n');
  });

  it('lets a carriage return redraw the line, also across chunks, and keeps \\r\\n as a newline', () => {
    const b = new LogBuffer();
    b.append([chunk(1, 'epoch 1\n 10%\r 50%'), chunk(2, '\r100%\n')]);
    expect(b.text).toBe('epoch 1\n100%\n');
    b.append([chunk(3, 'windows\r'), chunk(4, '\nline\r\n')]);
    expect(b.text).toBe('epoch 1\n100%\nwindows\nline\n');
  });

  it('flushes what it held back once the log has ended', () => {
    const b = new LogBuffer();
    b.append([chunk(1, 'done\r')]);
    expect(b.text).toBe('done');
    b.append([chunk(2, 'x\x1b[')]);
    b.flush();
    expect(b.text).toBe('x');
  });

  it('does not hold a never-ending escape for ever', () => {
    const b = new LogBuffer();
    b.append([chunk(1, `a\x1b]${'z'.repeat(300)}`)]);
    expect(b.text.startsWith('a')).toBe(true);
    expect(b.text.length).toBeGreaterThan(200);
  });

  it('keeps only the last cap characters, from a line start, and counts what it dropped', () => {
    const b = new LogBuffer(20);
    b.append([chunk(1, 'line-01\nline-02\n')]);
    expect(b.dropped).toBe(0);
    b.append([chunk(2, 'line-03\nline-04\n')]);
    expect(b.text).toBe('line-03\nline-04\n');
    expect(b.dropped).toBe(16);
    expect(b.text.length).toBeLessThanOrEqual(20);
    // One line longer than the cap is cut mid-line.
    b.append([chunk(3, 'x'.repeat(50))]);
    expect(b.text).toBe('x'.repeat(20));
    expect(b.dropped).toBe(16 + 16 + 30);
  });

  it('holds the last 2 MB by default', () => {
    const b = new LogBuffer();
    const line = `${'y'.repeat(99)}\n`;
    for (let seq = 1; seq <= 300; seq++) b.append([chunk(seq, line.repeat(100))]);
    expect(b.text.length).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(b.text.length).toBeGreaterThan(2 * 1024 * 1024 - 200);
    expect(b.text.startsWith('y')).toBe(true);
    expect(b.dropped + b.text.length).toBe(300 * 100 * 100);
  });
});

describe('distributed submissions', () => {
  it('sends distributed.workers only when it is not 1', () => {
    const one = jobSubmission({ ...EMPTY_JOB_FORM, command: 'x' });
    expect(one.ok && one.value.distributed).toBeFalsy();
    const four = jobSubmission({ ...EMPTY_JOB_FORM, command: 'x', workers: '4' });
    expect(four.ok && four.value.distributed).toEqual({ workers: 4 });
    const zero = jobSubmission({ ...EMPTY_JOB_FORM, command: 'x', workers: '0' });
    expect(zero.ok && zero.value.distributed).toEqual({ workers: 0 }); // the server's 400 explains
    const empty = jobSubmission({ ...EMPTY_JOB_FORM, command: 'x', workers: '' });
    expect(empty.ok && empty.value.distributed).toBeFalsy();
  });
  it('labels ranks of a group and nothing else', () => {
    expect(groupLabel({ group: 12, rank: 1, world_size: 4 })).toEqual({ group: 12, rank: 1, worldSize: 4 });
    expect(groupLabel({ group: null, rank: 0, world_size: 1 })).toBeNull();
  });
});

describe('the run context of a submission (issue 17)', () => {
  it('sends experiment, run name, data versions, environment and code', () => {
    const r = jobSubmission({
      ...EMPTY_JOB_FORM,
      command: 'moebius train xgboost --data data/customers',
      experiment: 'churn',
      runName: 'first',
      data: 'customers@v2\n# a comment\nlabels@3 → inputs/labels',
      environment: 'dev',
      environmentRevision: '2',
      code: 'abc123',
    });
    expect(r.ok && r.value).toMatchObject({
      experiment: 'churn',
      run_name: 'first',
      payload: {
        data: [{ dataset: 'customers', version: 2 }, { dataset: 'labels', version: 3, path: 'inputs/labels' }],
        environment: 'dev',
        environment_revision: 2,
        code: 'abc123',
      },
    });
  });
  it('names a data line it cannot read', () => {
    expect(parseDataLines('customers@v2\ncustomers v3')).toMatchObject({ ok: false, problem: { key: 'jobs.problems.dataLine', line: 2 } });
    expect(parseDataLines('a@v1 -> x/\nb@2: y')).toEqual({ ok: true, value: [{ dataset: 'a', version: 1, path: 'x' }, { dataset: 'b', version: 2, path: 'y' }] });
  });
  it('fills a form from a job so that submitting it runs the same thing again', () => {
    const job = {
      name: 'train',
      payload: {
        command: ['python3', 'train.py', '--note', 'first try'],
        env: { SEED: '7', MOEBIUS_STUDY_ID: '3' },
        data: [{ dataset: 'customers', version: 2, path: 'data/customers' }, { dataset: 'labels', version: 1, path: 'inputs/l' }],
        environment: 'dev',
        environment_revision: 4,
        code: 'f00d',
        experiment_id: '12',
        run_id: 'r1',
      },
      priority: 1,
      resources: { cpus: 2, memory_mb: 1024, gpus: 0 },
      timeout_s: 60,
      max_attempts: 2,
      world_size: 1,
    };
    const form = jobFormOf(job);
    expect(form.data).toBe('customers@v2\nlabels@v1 → inputs/l');
    const r = jobSubmission(form);
    expect(r.ok && r.value).toEqual({
      kind: 'command',
      name: 'train',
      experiment: '12',
      payload: {
        command: ['python3', 'train.py', '--note', 'first try'],
        env: { SEED: '7' },
        data: [{ dataset: 'customers', version: 2 }, { dataset: 'labels', version: 1, path: 'inputs/l' }],
        environment: 'dev',
        environment_revision: 4,
        code: 'f00d',
      },
      priority: 1,
      resources: { cpus: 2, memory_mb: 1024, gpus: 0 },
      timeout_s: 60,
      max_attempts: 2,
    });
  });
});
