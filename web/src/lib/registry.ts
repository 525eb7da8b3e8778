// The model registry's page logic (REG-1 to REG-3): stages, the register and stage-move request
// bodies, signatures' shapes, links from lineage refs, and the refusal of a production move.
import { ApiError } from '../api/client';
import type { ModelFile, ModelStage, ModelVersion, StageChange } from '../api/types';

/** The four stages in their lifecycle order. */
export const STAGES: readonly ModelStage[] = ['development', 'staging', 'production', 'archived'];

/** File roles in the order the files table lists them (then by path). */
export const FILE_ROLES = ['model', 'signature', 'transform', 'mlmodel', 'other'] as const;

export const isStage = (s: string): s is ModelStage => (STAGES as readonly string[]).includes(s);

/** A project list row's stage counts, in lifecycle order, without the empty stages. */
export function stageCounts(stages: Partial<Record<string, number>> | undefined): { stage: ModelStage; count: number }[] {
  if (!stages) return [];
  return STAGES.filter((s) => (stages[s] ?? 0) > 0).map((s) => ({ stage: s, count: stages[s] as number }));
}

/**
 * Whether "archive the versions now in that stage" means anything for a move into `stage`: the
 * server archives the others only on moves into staging and production.
 */
export const archiveApplies = (stage: ModelStage): boolean => stage === 'staging' || stage === 'production';

export interface StageMove {
  stage: ModelStage;
  archive_existing?: boolean;
  reason?: string;
}

/** The body of POST …/versions/{version}/stage from the form's fields. */
export function stageMoveBody(stage: ModelStage, archiveExisting: boolean, reason: string): StageMove {
  const body: StageMove = { stage };
  if (archiveApplies(stage)) body.archive_existing = archiveExisting;
  const r = reason.trim();
  if (r) body.reason = r;
  return body;
}

/** The server's refusal of a move into production without an approved request (409 APPROVAL_REQUIRED). */
export const isApprovalRequired = (e: unknown): e is ApiError =>
  e instanceof ApiError && e.status === 409 && e.code === 'APPROVAL_REQUIRED';

export type RegisterSource = { run_id: string } | { package_id: number };

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * The model name and request body of "register a version" from the form. `error` is an i18n key.
 * The path is sent as typed (trimmed, without trailing '/'): empty means the whole artifact root.
 */
export function registerRequest(
  name: string,
  path: string,
  source: RegisterSource,
  description = '',
): Checked<{ model: string; body: RegisterSource & { path: string; description?: string } }> {
  const model = name.trim();
  if (!model) return { ok: false, error: 'registry.nameRequired' };
  if (model.includes('/')) return { ok: false, error: 'registry.nameSlash' };
  const p = path.trim().replace(/\/+$/, '');
  const d = description.trim();
  return { ok: true, value: { model, body: { ...source, path: p, ...(d ? { description: d } : {}) } } };
}

/** Where a signature was read from (the server's `signature.source`) → its i18n key; null for another. */
const SIGNATURE_SOURCES: Record<string, string> = {
  'signature.json': 'registry.signatureFrom.signatureJson',
  MLmodel: 'registry.signatureFrom.mlmodel',
  'model file': 'registry.signatureFrom.modelFile',
};
export const signatureSourceKey = (source: string | undefined): string | null => (source && SIGNATURE_SOURCES[source]) || null;

/** A signature's shape, with '?' for a variable dimension: [-1, 4] → "[?, 4]". */
export function formatShape(shape: readonly number[] | undefined): string {
  if (!shape) return '';
  return `[${shape.map((d) => (d < 0 ? '?' : String(d))).join(', ')}]`;
}

/** The first characters of a sha256, enough to tell files apart on screen. */
export const shortHash = (sha: string | undefined, n = 12): string => (sha ? sha.slice(0, n) : '');

/** A version's files: the model file first, then by role and path. */
export function sortFiles(files: readonly ModelFile[]): ModelFile[] {
  const rank = (r: string) => {
    const i = (FILE_ROLES as readonly string[]).indexOf(r);
    return i < 0 ? FILE_ROLES.length : i;
  };
  return [...files].sort((a, b) => rank(a.role) - rank(b.role) || a.path.localeCompare(b.path));
}

/**
 * The data version page of a lineage ref "project/dataset@v3", or null when the ref is not of
 * that shape.
 */
export function dataVersionPath(ref: string): string | null {
  const m = /^([^/@]+)\/([^/@]+)@(v?\d+)$/.exec(ref);
  if (!m) return null;
  const version = m[3].startsWith('v') ? m[3] : `v${m[3]}`;
  return `/projects/${encodeURIComponent(m[1])}/datasets/${encodeURIComponent(m[2])}/versions/${version}`;
}

/** The model page and a version's page. */
export const modelPath = (model: string): string => `/models/${encodeURIComponent(model)}`;
export const versionPath = (model: string, version: number | string): string =>
  `${modelPath(model)}/versions/${encodeURIComponent(String(version))}`;

/** "3" or "v3" → 3; anything else → null. */
export function parseVersionParam(s: string | undefined): number | null {
  if (!s) return null;
  const m = /^[vV]?(\d+)$/.exec(s);
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 1 && Number.isSafeInteger(n) ? n : null;
}

/**
 * The version number of a stage change's `archived_for` (the promoted version's id), looked up
 * among the model's versions; null when there is none or it is no longer listed.
 */
export function archivedForVersion(change: Pick<StageChange, 'archived_for'>, versions: readonly Pick<ModelVersion, 'id' | 'version'>[]): number | null {
  if (change.archived_for === null || change.archived_for === undefined) return null;
  return versions.find((v) => v.id === change.archived_for)?.version ?? null;
}

/** A model's aliases as [alias, version] pairs, by alias. */
export function aliasList(aliases: Record<string, number> | undefined): [string, number][] {
  return Object.entries(aliases ?? {}).sort(([a], [b]) => a.localeCompare(b));
}

/** The name of the project with id `id` among `projects` (ids compared as text), or undefined. */
export function projectNameOf(projects: readonly { id: string | number; name: string }[] | undefined, id: number | undefined): string | undefined {
  if (id === undefined || !projects) return undefined;
  return projects.find((p) => String(p.id) === String(id))?.name;
}
