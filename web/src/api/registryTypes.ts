// The model registry's objects (REG-1 to REG-6): models, versions, stage history, approval
// requests, model cards, Triton imports (docs/api.md "models" and "approvals" rows).
import type { CriteriaCheck, KeyValue } from './types';

// Model registry (REG-1 to REG-3; docs/api.md "models" rows)
export type ModelStage = 'development' | 'staging' | 'production' | 'archived';
export interface RegisteredModel {
  id: number;
  name: string;
  project_id: number;
  description: string;
  tags: KeyValue[];
  /** alias → version number */
  aliases: Record<string, number>;
  created_by: string;
  created_at: number;
  updated_at: number;
}
/** One row of GET /projects/{project}/models. */
export interface ModelSummary extends RegisteredModel {
  version_count: number;
  latest_version: number | null;
  /** stage → number of versions in it (stages with none are absent) */
  stages: Partial<Record<ModelStage, number>>;
}
export interface ModelFile {
  path: string;
  sha256: string;
  size: number;
  /** model | transform | signature | mlmodel | other */
  role: string;
}
export interface TensorSpec {
  name: string;
  /** KServe v2 datatype: FP32, FP64, INT64, BYTES, BOOL, … */
  datatype: string;
  /** -1 for a variable dimension */
  shape: number[];
}
export interface ModelSignature {
  inputs?: TensorSpec[];
  outputs?: TensorSpec[];
  /** signature.json | MLmodel | model file */
  source?: string;
}
export interface VersionLineage {
  run?: { id: string; name: string; status: string };
  experiment?: { id: number | string; name: string; project_id: number };
  data_versions?: { kind: string; ref: string; detail?: unknown }[];
  code?: KeyValue[];
  environment?: string | null;
  evaluations?: { artifact: string; sha256: string }[];
  metrics?: Record<string, number | null>;
  package?: {
    id: number;
    task: string;
    criteria: string;
    criteria_result: CriteriaCheck | null;
    manifest_sha256: string;
    confirmed_by: string;
    confirmed_at: number;
  } | null;
  /** a version registered by importing a Triton repository: where it came from */
  imported?: {
    repository_sha256: string;
    registered_model: string;
    registered_version: number;
    exported_by: string;
    exported_at: number;
  };
}
export interface StageChange {
  from: ModelStage;
  to: ModelStage;
  by: string;
  reason: string;
  at: number;
  /** the id (ModelVersion.id, not its number) of the version promoted when this one was archived */
  archived_for: number | null;
}
export interface ModelVersion {
  id: number;
  model: string;
  version: number;
  project_id: number;
  stage: ModelStage;
  status: string;
  source: string;
  run_id: string;
  package_id: number | null;
  format: string;
  flavor: string;
  model_file: string;
  files: ModelFile[];
  content_sha256: string;
  signature: ModelSignature | null;
  lineage: VersionLineage | null;
  description: string;
  tags: KeyValue[];
  aliases: string[];
  created_by: string;
  created_at: number;
  updated_at: number;
  /** only on GET /models/{model}/versions/{version} and the stage move's answer */
  stage_history?: StageChange[];
  /** REG-6: null while live; a retired version stays archived and cannot be exported or deployed */
  retirement?: VersionRetirement | null;
}
export interface VersionRetirement {
  retired_at: number;
  request_id: number;
  retired_by: string;
  reason: string;
  /** the project's retention: the files are kept at least until then */
  keep_files_until: number;
}

// Approval requests (REG-5; docs/api.md "approvals" rows, docs/design/registry.md "Approvals")
export type RequestState = 'pending' | 'approved' | 'rejected' | 'cancelled';
/** request | approve | reject | cancel | comment | applied (the stage move made by the last approval) */
export type ApprovalAction = 'request' | 'approve' | 'reject' | 'cancel' | 'comment' | 'applied';
export interface ApprovalEvent {
  actor: string;
  action: ApprovalAction | string;
  comment: string;
  at: number;
}
export interface ApprovalRequest {
  id: number;
  project_id: number;
  /** "stage" (deployment requests will be a second kind) */
  kind: string;
  model: string;
  version: number;
  target_stage: ModelStage;
  archive_existing: boolean;
  reason: string;
  state: RequestState;
  required_approvals: number;
  approvals: number;
  requested_by: string;
  created_at: number;
  decided_at: number | null;
  events: ApprovalEvent[];
  /** only in GET /approvals: pending, the caller may approve in its project, did not make it and has not reviewed it */
  awaiting_you?: boolean;
  /** only in GET /approvals/{id}: the version as the reviewer needs it */
  evidence?: ModelVersion;
}
export interface RegistrySettings {
  required_approvals: number;
}

// Model cards (REG-4; docs/api.md "…/card" rows): generated blocks per section plus written text
export type CardBlockKind = 'heading' | 'subheading' | 'para' | 'table' | 'curve' | 'heatmap' | 'bars';
export interface CardBlock {
  kind: CardBlockKind;
  /** a paragraph's or heading's text; the title of a table, curve, heat map or bar list */
  text: string;
  /** a paragraph's: pass | fail | muted */
  style?: string;
  head?: string[];
  rows?: string[][];
  /** heatmap: class labels, counts (rows: true, columns: predicted) */
  labels?: string[];
  matrix?: number[][];
  /** bars: [label, value] */
  bars?: [string, number][];
}
export interface CardSection {
  key: string;
  title: string;
  /** the written text; empty when none is written */
  text: string;
  updated_by: string;
  updated_at: number;
  blocks: CardBlock[];
}
export interface ModelCard {
  model: string;
  version: number;
  lang: 'en' | 'ko';
  title: string;
  project: string;
  generated_at: number;
  sections: CardSection[];
}
/** POST /projects/{project}/models/import's answer */
export interface ImportedRepository {
  versions: ModelVersion[];
  notes: string[];
  /** ensembles read and checked, not registered */
  ensembles: string[];
}
