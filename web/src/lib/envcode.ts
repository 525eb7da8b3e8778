// Pure logic of the Environments and Code tabs (PRJ-6, PRJ-7): the environment form as it is
// edited and the request body it becomes, and the file tree of a code snapshot.

export interface EnvVariableRow {
  name: string;
  value: string;
  secret: boolean;
  /** A secret kept from the current revision: its value is not known here and is sent as null. */
  keep: boolean;
}

export interface EnvForm {
  name: string;
  kind: 'development' | 'inference';
  description: string;
  image: string;
  cpus: string;
  memoryMb: string;
  gpus: string;
  variables: EnvVariableRow[];
  /** JSON object text. */
  parameters: string;
  /** One `NAME=/absolute/path` per line. */
  references: string;
  message: string;
}

export const EMPTY_ENV_FORM: EnvForm = {
  name: '',
  kind: 'development',
  description: '',
  image: '',
  cpus: '1',
  memoryMb: '512',
  gpus: '0',
  variables: [],
  parameters: '{}',
  references: '',
  message: '',
};

export interface EnvironmentLike {
  name: string;
  kind: string;
  description?: string;
  image?: string;
  resources: { cpus: number; memory_mb: number; gpus: number };
  variables: { name: string; value: string | null; secret: boolean }[];
  parameters: Record<string, unknown>;
  references: { name: string; path: string }[];
}

/** The form for editing an environment: secret values are unknown and kept unless retyped. */
export function formFromEnvironment(e: EnvironmentLike): EnvForm {
  return {
    name: e.name,
    kind: e.kind === 'inference' ? 'inference' : 'development',
    description: e.description ?? '',
    image: e.image ?? '',
    cpus: String(e.resources.cpus),
    memoryMb: String(e.resources.memory_mb),
    gpus: String(e.resources.gpus),
    variables: e.variables.map((v) => ({ name: v.name, value: v.secret ? '' : (v.value ?? ''), secret: v.secret, keep: v.secret })),
    parameters: JSON.stringify(e.parameters ?? {}, null, 2),
    references: e.references.map((r) => `${r.name}=${r.path}`).join('\n'),
    message: '',
  };
}

export type EnvProblem = { key: string; line?: number };
export type EnvBodyResult = { ok: true; value: Record<string, unknown> } | { ok: false; problem: EnvProblem };

function num(text: string): number | null {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/**
 * The request body of a create (with name) or an edit. Only what the form itself can tell is
 * checked here (parameters are a JSON object, references are NAME=PATH lines, numbers are
 * numbers, variable rows have names); the server judges the rest and its message is shown.
 */
export function environmentBody(f: EnvForm, withName: boolean): EnvBodyResult {
  let parameters: unknown;
  try {
    parameters = f.parameters.trim() === '' ? {} : JSON.parse(f.parameters);
  } catch {
    return { ok: false, problem: { key: 'env.problems.parametersJson' } };
  }
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))
    return { ok: false, problem: { key: 'env.problems.parametersObject' } };
  const references: { name: string; path: string }[] = [];
  const lines = f.references.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { ok: false, problem: { key: 'env.problems.reference', line: i + 1 } };
    references.push({ name: line.slice(0, eq).trim(), path: line.slice(eq + 1).trim() });
  }
  const cpus = num(f.cpus);
  const memory = num(f.memoryMb);
  const gpus = num(f.gpus);
  if (cpus === null || memory === null || gpus === null) return { ok: false, problem: { key: 'env.problems.numbers' } };
  const variables = [];
  for (const v of f.variables) {
    if (!v.name.trim()) {
      if (!v.value) continue; // an empty row
      return { ok: false, problem: { key: 'env.problems.variableName' } };
    }
    const keep = v.secret && v.keep && v.value === '';
    variables.push({ name: v.name.trim(), value: keep ? null : v.value, secret: v.secret });
  }
  const body: Record<string, unknown> = {
    kind: f.kind,
    description: f.description,
    image: f.image.trim(),
    resources: { cpus, memory_mb: memory, gpus },
    variables,
    parameters,
    references,
  };
  if (withName) body.name = f.name.trim();
  if (f.message.trim()) body.message = f.message.trim();
  return { ok: true, value: body };
}

export interface TreeNode {
  name: string;
  /** Full path of a file; the folder's path for a folder. */
  path: string;
  children?: TreeNode[];
}

/** Files (sorted or not) as a folder tree: folders first, then files, each by name. */
export function fileTree(paths: string[]): TreeNode[] {
  const root: TreeNode = { name: '', path: '', children: [] };
  for (const p of paths) {
    const parts = p.split('/');
    let node = root;
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const path = parts.slice(0, i + 1).join('/');
      let child = node.children!.find((c) => c.name === parts[i] && !!c.children === !last);
      if (!child) {
        child = last ? { name: parts[i], path } : { name: parts[i], path, children: [] };
        node.children!.push(child);
      }
      node = child;
    }
  }
  const sort = (n: TreeNode) => {
    if (!n.children) return;
    n.children.sort((a, b) => (!!b.children === !!a.children ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : b.children ? 1 : -1));
    n.children.forEach(sort);
  };
  sort(root);
  return root.children!;
}

/** A snapshot id as shown in lists. */
export const shortId = (id: string) => id.slice(0, 12);

/** The snapshot's origin in words: "archive", "dir", or "git 1a2b3c4d5e6f (main, dirty)". */
export function originText(s: { source: string; git_commit?: string; git_branch?: string; git_dirty?: boolean }, dirtyWord: string): string {
  if (s.source !== 'git') return s.source;
  const extra = [s.git_branch, s.git_dirty ? dirtyWord : ''].filter(Boolean).join(', ');
  return `git ${(s.git_commit ?? '').slice(0, 12)}${extra ? ` (${extra})` : ''}`;
}
