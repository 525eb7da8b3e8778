// Jobs (EXP-9): the submit form's command line and environment, job states, and the followed log
// (docs/api.md "Jobs"). The server checks every submission again; these parsers only turn what
// a person types into the JSON the server wants and point at mistakes it could not explain well
// (an unclosed quote, an env line without '=').
import type { Job, JobResources } from '../api/types';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Queued and running jobs can still change; the others are final. */
export const isActiveState = (state: string): boolean => state === 'queued' || state === 'running';

/** Whether any job in the list can still change (the list keeps refreshing while so). */
export const anyActive = (jobs: readonly Pick<Job, 'state'>[]): boolean => jobs.some((j) => isActiveState(j.state));

/** A cancel can be asked while the job is queued, or running and not already asked to stop. */
export const canCancel = (job: Pick<Job, 'state' | 'cancel_requested'>): boolean =>
  job.state === 'queued' || (job.state === 'running' && !job.cancel_requested);

/** Milliseconds the job has run: to its end, or to `now` while running; null before it starts. */
export function jobRunMillis(job: Pick<Job, 'state' | 'started_at' | 'finished_at'>, now: number): number | null {
  if (!job.started_at) return null;
  const end = job.finished_at || (job.state === 'running' ? now : 0);
  if (!end || end < job.started_at) return null;
  return end - job.started_at;
}

/** "rank 1/4 · group 12" for a rank of a distributed group; null for an ordinary job. */
export function groupLabel(job: Pick<Job, 'group' | 'rank' | 'world_size'>): { group: number; rank: number; worldSize: number } | null {
  if (!job.group) return null;
  return { group: job.group, rank: job.rank ?? 0, worldSize: job.world_size ?? 1 };
}

/** "2 CPU · 4 GiB · 1 GPU" (the GPU part only when some are asked for). */
export function formatResources(r: JobResources | undefined): string {
  if (!r) return '';
  const parts = [`${r.cpus} CPU`];
  const mb = r.memory_mb;
  parts.push(mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GiB` : `${mb} MiB`);
  if (r.gpus) parts.push(`${r.gpus} GPU`);
  return parts.join(' · ');
}

// ---- the command line

export type ArgvMode = 'shell' | 'lines';
export const ARGV_MODES: readonly ArgvMode[] = ['shell', 'lines'];

/** A parse failure: an i18n key under jobs.problems and the 0-based offset it points at. */
export interface Problem {
  key: string;
  at?: number;
  line?: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/**
 * Splits a command line the way a POSIX shell splits words, without expansions: blanks separate
 * words; '…' keeps everything literally; "…" keeps everything but lets \ escape " \ $ ` and a
 * newline; a \ outside quotes keeps the next character (a \ before a newline joins lines); '' or
 * "" makes an empty word. $VAR, globs, pipes and redirections are not interpreted: the worker
 * runs argv directly, with no shell.
 */
export function splitShellWords(text: string): Parsed<string[]> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= text.length) return { ok: false, problem: { key: 'jobs.problems.trailingBackslash', at: i } };
      const next = text[i + 1];
      if (next === '\n') {
        i += 2;
      } else if (next === '\r' && text[i + 2] === '\n') {
        i += 3;
      } else {
        word += next;
        inWord = true;
        i += 2;
      }
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { ok: false, problem: { key: 'jobs.problems.unclosedSingle', at: i } };
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      const start = i;
      i++;
      let closed = false;
      while (i < text.length) {
        const d = text[i];
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1])) {
          if (text[i + 1] !== '\n') word += text[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      if (!closed) return { ok: false, problem: { key: 'jobs.problems.unclosedDouble', at: start } };
      inWord = true;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return { ok: true, value: words };
}

/** One argument per line, kept exactly (spaces included); blank lines are skipped. */
export function splitLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
    .filter((l) => l.trim() !== '');
}

export function parseArgv(text: string, mode: ArgvMode): Parsed<string[]> {
  return mode === 'lines' ? { ok: true, value: splitLines(text) } : splitShellWords(text);
}

/** Writes argv back as one shell-like line that splitShellWords reads as the same list. */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map((a) => (a !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Environment lines `NAME=value`: blank lines and lines starting with # are skipped; the value
 * is everything after the first '=' (kept as typed, '=' included); a name appears once.
 */
export function parseEnv(text: string): Parsed<Record<string, string>> {
  const env: Record<string, string> = {};
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n].endsWith('\r') ? lines[n].slice(0, -1) : lines[n];
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = raw.indexOf('=');
    if (eq < 0) return { ok: false, problem: { key: 'jobs.problems.envNoEquals', line: n + 1 } };
    const name = raw.slice(0, eq).trim();
    if (name === '') return { ok: false, problem: { key: 'jobs.problems.envNoName', line: n + 1 } };
    if (/\s/.test(name)) return { ok: false, problem: { key: 'jobs.problems.envBlankInName', line: n + 1 } };
    if (Object.prototype.hasOwnProperty.call(env, name)) return { ok: false, problem: { key: 'jobs.problems.envDuplicate', line: n + 1 } };
    env[name] = raw.slice(eq + 1);
  }
  return { ok: true, value: env };
}

// ---- the submission

export interface JobForm {
  name: string;
  command: string;
  mode: ArgvMode;
  env: string;
  priority: string;
  cpus: string;
  memoryMb: string;
  gpus: string;
  timeoutS: string;
  maxAttempts: string;
  /** Ranks of a distributed group (EXP-8); 1 or empty: an ordinary job. */
  workers: string;
  /** An experiment name or id: the job runs a new run there (created when no experiment has the name). */
  experiment: string;
  runName: string;
  /** Data versions, one per line: `customers@v2`, optionally `→ data/customers` (where the job gets it). */
  data: string;
  /** An environment of the project; with environmentRevision, that revision (else the latest). */
  environment: string;
  environmentRevision: string;
  /** A code snapshot id (or unique prefix). */
  code: string;
}

export const EMPTY_JOB_FORM: JobForm = {
  name: '',
  command: '',
  mode: 'shell',
  env: '',
  priority: '0',
  cpus: '1',
  memoryMb: '512',
  gpus: '0',
  timeoutS: '0',
  maxAttempts: '3',
  workers: '1',
  experiment: '',
  runName: '',
  data: '',
  environment: '',
  environmentRevision: '',
  code: '',
};

export interface JobDataEntry {
  dataset: string;
  version: number;
  path?: string;
}

export interface JobSubmission {
  kind: 'command';
  name?: string;
  experiment?: string;
  run_name?: string;
  payload: {
    command: string[];
    env?: Record<string, string>;
    data?: JobDataEntry[];
    environment?: string;
    environment_revision?: number;
    code?: string;
  };
  priority?: number;
  resources: { cpus?: number; memory_mb?: number; gpus?: number };
  timeout_s?: number;
  max_attempts?: number;
  distributed?: { workers: number };
}

/** A number field: empty leaves the server's default; anything else goes as typed (the server judges it). */
function num(s: string): number | undefined {
  const v = s.trim();
  if (v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The POST body for the form, or the first problem the form can name itself (command or env
 * syntax). An empty command is sent as [] on purpose: the server's message says what it needs.
 */
export function jobSubmission(form: JobForm): Parsed<JobSubmission> {
  const argv = parseArgv(form.command, form.mode);
  if (!argv.ok) return argv;
  const env = parseEnv(form.env);
  if (!env.ok) return env;
  const data = parseDataLines(form.data ?? '');
  if (!data.ok) return data;
  const body: JobSubmission = { kind: 'command', payload: { command: argv.value }, resources: {} };
  if (form.name.trim()) body.name = form.name.trim();
  if (Object.keys(env.value).length) body.payload.env = env.value;
  if (data.value.length) body.payload.data = data.value;
  if (form.experiment?.trim()) body.experiment = form.experiment.trim();
  if (form.runName?.trim()) body.run_name = form.runName.trim();
  if (form.environment?.trim()) {
    body.payload.environment = form.environment.trim();
    const rev = num(form.environmentRevision ?? '');
    if (rev !== undefined) body.payload.environment_revision = rev;
  }
  if (form.code?.trim()) body.payload.code = form.code.trim();
  const set = <K extends keyof JobSubmission>(k: K, v: JobSubmission[K] | undefined) => {
    if (v !== undefined) body[k] = v;
  };
  set('priority', num(form.priority));
  set('timeout_s', num(form.timeoutS));
  set('max_attempts', num(form.maxAttempts));
  const cpus = num(form.cpus);
  const memory = num(form.memoryMb);
  const gpus = num(form.gpus);
  if (cpus !== undefined) body.resources.cpus = cpus;
  if (memory !== undefined) body.resources.memory_mb = memory;
  if (gpus !== undefined) body.resources.gpus = gpus;
  // N ranks of one group; anything but 1 goes as typed, so the server's 400 names a bad N.
  const workers = num(form.workers);
  if (workers !== undefined && workers !== 1) body.distributed = { workers };
  return { ok: true, value: body };
}

/**
 * Data version lines: `customers@v2` or `customers@2`, optionally followed by `→ path`, `-> path`
 * or `: path` (where the job finds it; the server's default is data/<dataset>). Blank lines and
 * lines starting with # are skipped.
 */
export function parseDataLines(text: string): Parsed<JobDataEntry[]> {
  const out: JobDataEntry[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9][\w.-]*)@v?(\d+)(?:\s*(?:→|->|:)\s*(\S+?)\/?)?$/.exec(line);
    if (!m) return { ok: false, problem: { key: 'jobs.problems.dataLine', line: n + 1 } };
    out.push({ dataset: m[1], version: Number(m[2]), ...(m[3] ? { path: m[3] } : {}) });
  }
  return { ok: true, value: out };
}

/**
 * A form filled from a job, to clone it (edit, then submit) or run it again as it was: the same
 * command, environment variables, resources, data versions, environment revision and code, and
 * a new run in the same experiment when the job had one.
 */
export function jobFormOf(job: Pick<Job, 'name' | 'payload' | 'priority' | 'resources' | 'timeout_s' | 'max_attempts' | 'world_size'>): JobForm {
  const p = job.payload ?? {};
  const data = Array.isArray(p.data) ? (p.data as JobDataEntry[]) : [];
  const env = (p.env ?? {}) as Record<string, string>;
  // Variables the worker sets for a job are not the submitter's to give again.
  const own = Object.entries(env).filter(([k]) => !k.startsWith('MOEBIUS_') && !k.startsWith('MLFLOW_'));
  return {
    ...EMPTY_JOB_FORM,
    name: job.name ?? '',
    command: quoteArgv((p.command as string[] | undefined) ?? []),
    mode: 'shell',
    env: own.map(([k, v]) => `${k}=${v}`).join('\n'),
    priority: String(job.priority ?? 0),
    cpus: String(job.resources?.cpus ?? ''),
    memoryMb: String(job.resources?.memory_mb ?? ''),
    gpus: String(job.resources?.gpus ?? ''),
    timeoutS: String(job.timeout_s ?? 0),
    maxAttempts: String(job.max_attempts ?? 3),
    workers: String(job.world_size ?? 1),
    experiment: typeof p.experiment_id === 'string' ? p.experiment_id : '',
    data: data.map((d) => `${d.dataset}@v${d.version}${d.path && d.path !== `data/${d.dataset}` ? ` → ${d.path}` : ''}`).join('\n'),
    environment: typeof p.environment === 'string' ? p.environment : '',
    environmentRevision: p.environment_revision !== undefined ? String(p.environment_revision) : '',
    code: typeof p.code === 'string' ? p.code : '',
  };
}

// ---- the followed log

/** Complete ANSI escape sequences: CSI (colours, cursor moves), OSC (titles, links), and the short ones (ESC 7, ESC ( B, …). */
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[ -/]*[0-~]|\x9b[0-?]*[ -/]*[@-~]/g;
/** An escape sequence cut off at the end of a chunk (finished by the next one). */
const PARTIAL_ANSI = /(?:\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*\x1b?|[ -/]+)?|\x9b[0-?]*[ -/]*)$/;

/** Removes ANSI escape sequences from complete text. */
export const stripAnsi = (text: string): string => text.replace(ANSI, '');

export const DEFAULT_LOG_CAP = 2 * 1024 * 1024;

export interface LogChunkLike {
  seq: number;
  text: string;
}

/**
 * The text of a followed log, kept to the last `cap` characters (whole lines where possible).
 * Chunks are appended in seq order and a chunk already seen is ignored, so overlapping polls are
 * harmless. Escape sequences are stripped even when split across chunks; a lone carriage return
 * (a progress bar redrawing its line) drops the line's text so far, as a terminal would show it.
 */
export class LogBuffer {
  private text_ = '';
  private pending_ = '';
  private dropped_ = 0;
  private lastSeq_ = 0;

  constructor(private readonly cap: number = DEFAULT_LOG_CAP) {}

  get text(): string {
    return this.text_;
  }
  /** Characters dropped from the start to stay under the cap. */
  get dropped(): number {
    return this.dropped_;
  }
  /** The last seq appended: what to pass as `after` next. */
  get lastSeq(): number {
    return this.lastSeq_;
  }

  /** Appends chunks; returns whether anything new arrived. */
  append(chunks: readonly LogChunkLike[]): boolean {
    let changed = false;
    for (const c of chunks) {
      if (c.seq <= this.lastSeq_) continue;
      this.lastSeq_ = c.seq;
      this.add(c.text);
      changed = true;
    }
    return changed;
  }

  /** Writes out what was held back (a cut-off escape, a final \r) once the log has ended. */
  flush(): void {
    if (!this.pending_) return;
    const rest = this.pending_;
    this.pending_ = '';
    this.write(stripAnsi(rest.replace(/\x1b[^]*$/, '').replace(/\r$/, '')));
  }

  private add(raw: string): void {
    let s = this.pending_ + raw;
    this.pending_ = '';
    const partial = PARTIAL_ANSI.exec(s);
    // A sequence that never ends (a stray ESC ]) is not held for ever.
    if (partial && partial[0] && partial[0].length <= 256) {
      this.pending_ = partial[0];
      s = s.slice(0, partial.index);
    }
    if (s.endsWith('\r')) {
      this.pending_ = '\r' + this.pending_;
      s = s.slice(0, -1);
    }
    this.write(stripAnsi(s).replace(/\r\n/g, '\n'));
  }

  private write(s: string): void {
    if (!s) return;
    let text = this.text_;
    let start = 0;
    // Lone \r: the text after it replaces the current line.
    for (let cr = s.indexOf('\r'); cr >= 0; cr = s.indexOf('\r', start)) {
      text += s.slice(start, cr);
      text = text.slice(0, text.lastIndexOf('\n') + 1);
      start = cr + 1;
    }
    text += s.slice(start);
    if (text.length > this.cap) {
      let cut = text.length - this.cap;
      // Prefer to start at a line; give up on that if the line is very long.
      const nl = text.indexOf('\n', cut - 1);
      if (nl >= 0 && nl + 1 - cut < 4096) cut = nl + 1;
      this.dropped_ += cut;
      text = text.slice(cut);
    }
    this.text_ = text;
  }
}
