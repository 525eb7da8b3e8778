// Objects of the REST API as described in docs/api.md.

export interface User {
  id: string;
  username: string;
  display_name?: string;
  global_role: string;
  disabled?: boolean;
  created_at?: number;
}

export interface Me {
  user: User;
  global_role: string;
  memberships: { project: string; role: string }[];
  permissions: string[];
  csrf_token?: string;
}

export interface LoginResponse {
  token: string;
  csrf_token: string;
  user: User;
}

export interface Project {
  id: string;
  name: string;
  display_name?: string;
  description?: string;
  org?: string;
  archived?: boolean;
  created_at?: number;
  created_by?: string;
  default_for_mlflow?: boolean;
  /** With `?summary=true` (issue 17): counts and the time of the last activity. */
  summary?: { experiments: number; datasets: number; active_jobs: number; last_activity: number | null };
}

export interface Member {
  username: string;
  role: string;
  added_at?: number;
}

export interface Task {
  id: string;
  project: string;
  name: string;
  domain: string;
  problem_type: string;
  primary_metric?: string;
  metrics?: string[];
  acceptance_criteria?: string;
  description?: string;
  created_at?: number;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  project: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  creation_time?: number;
  last_update_time?: number;
  tags?: KeyValue[];
}

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface RunInfo {
  run_id: string;
  run_uuid?: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status: string;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage?: string;
}

export interface Run {
  info: RunInfo;
  data: {
    metrics?: Metric[];
    params?: KeyValue[];
    tags?: KeyValue[];
  };
}

export interface RunSearchRequest {
  experiment_ids: string[];
  filter?: string;
  order_by?: string[];
  max_results?: number;
  page_token?: string;
  run_view_type?: string;
}

export interface RunSearchResponse {
  runs?: Run[];
  next_page_token?: string;
}

export interface MetricPoint {
  step: number;
  value: number;
  timestamp: number;
}

export interface MetricSeries {
  run_id: string;
  key: string;
  points: MetricPoint[];
  downsampled: boolean;
  total: number;
}

export interface ArtifactFile {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

// ---- data management (datasets, rounds, versions)

export type DataDomain = 'vision' | 'language' | 'tabular' | 'multimodal';
export type DataStatus = 'raw' | 'refined' | 'labeled' | 'split';

export interface Dataset {
  id: number | string;
  project: string;
  name: string;
  domain: DataDomain | string;
  description?: string;
  sensitive?: boolean;
  tags?: string[];
  created_at?: number;
  created_by?: string;
  /** From a catalog search: the table columns that matched (all known columns when q is empty). */
  columns?: string[];
}

/** A project's database connection; `target` comes back masked (password=****). */
export interface Connection {
  name: string;
  kind: 'sqlite' | 'postgresql' | string;
  target: string;
  has_password?: boolean;
  created_at?: number;
  created_by?: string;
}

/** `sources` of a round of kind "sql". */
export interface SqlRoundSource {
  kind: 'sql';
  connection: string;
  connection_kind?: string;
  /** masked */
  target?: string;
  query: string;
  rows?: number;
  columns?: string[];
  format?: string;
  item?: string;
}

export interface DataRound {
  number: number;
  kind: 'upload' | 'bundle' | string;
  source?: string;
  note?: string;
  items: number;
  bytes: number;
  manifest?: string;
  sources?: unknown;
  created_at?: number;
  created_by?: string;
}

export interface DataVersionDerived {
  rounds?: number[];
  from_version?: string | number;
  rollback_to?: string | number;
  labels?: unknown;
  [k: string]: unknown;
}

export interface DataVersion {
  number: number;
  name: string;
  status: DataStatus | string;
  items: number;
  bytes: number;
  message?: string;
  derived?: DataVersionDerived | null;
  storage: 'full' | 'delta' | string;
  delta_of?: string;
  manifest_bytes?: number;
  created_at?: number;
  created_by?: string;
}

export interface DatasetDetail {
  dataset: Dataset;
  rounds?: DataRound[];
  versions?: DataVersion[];
  versions_by_status?: Partial<Record<DataStatus, number>>;
}

export interface DataItem {
  path: string;
  sha256: string;
  size: number;
  meta?: Record<string, unknown> | null;
}

export interface ItemsPage {
  items?: DataItem[];
  total: number;
  offset: number;
}

export interface UploadPartInfo {
  part: number;
  bytes: number;
}

export interface DataDiff {
  from: string;
  to: string;
  counts: { added: number; removed: number; modified: number; renamed: number; label_changes: number };
  added?: DataItem[];
  removed?: string[];
  modified?: DataItem[];
  renamed?: { from: string; to: string }[];
  label_changes?: string[];
  /** modified dictionary (단어사전) items, entry by entry */
  dictionaries?: DictionaryDiff[];
  /** modified table items (CSV, TSV, JSONL), row by row (src/data/table/table_diff.h) */
  tables?: TableDiff[];
  listed_at_most?: number;
}

export interface TableDiff {
  path: string;
  columns_added: string[];
  columns_removed: string[];
  type_changes: { column: string; from: string; to: string }[];
  /** the column rows were matched by; null: rows matched whole */
  key: string | null;
  rows_before: number;
  rows_after: number;
  counts: { added: number; removed: number; changed: number; unchanged: number };
  sample: {
    added: Record<string, string | null>[];
    removed: Record<string, string | null>[];
    changed: { key: string; changes: Record<string, [string | null, string | null]> }[];
  };
}

export interface DictionaryDiff {
  path: string;
  counts: { added: number; removed: number; changed: number };
  added?: string[];
  removed?: string[];
  changed?: { term: string; from: string; to: string }[];
}

export interface DictionaryQuality {
  path: string;
  entries: number;
  duplicate_terms: number;
  /** 1-based lines repeating an earlier term (the first few) */
  example_lines?: number[];
}

export interface LineageNode {
  id: string;
  kind: 'dataset' | 'round' | 'version' | 'run' | string;
  label: string;
  detail?: Record<string, unknown> | null;
}

export interface LineageEdge {
  from: string;
  to: string;
  relation: string;
}

export interface Lineage {
  nodes?: LineageNode[];
  edges?: LineageEdge[];
}

// ---- data analysis (stats, quality, schema, transforms, splits)

export interface CategoryCount {
  value: string;
  count: number;
}

export interface Histogram {
  /** bins + 1 edges; bin i covers [edges[i], edges[i+1]) (the last one is closed) */
  edges: (number | null)[];
  counts: number[];
}

export interface ColumnStats {
  name: string;
  /** int, float, bool or string */
  type: string;
  count: number;
  missing: number;
  mean?: number | null;
  std?: number | null;
  min?: number | null;
  q25?: number | null;
  q50?: number | null;
  q75?: number | null;
  max?: number | null;
  histogram?: Histogram | null;
  unique?: number;
  top?: CategoryCount[];
}

export interface LabelBalance {
  column: string;
  count: number;
  missing: number;
  classes: CategoryCount[];
  minority_share: number | null;
  majority_share: number | null;
  imbalance_ratio: number | null;
}

export interface FeatureImportance {
  feature: string;
  score: number | null;
  method: string;
  /** Not ranked: an identifier (every value distinct) or likely leakage (predicts the label alone). */
  flag?: 'identifier' | 'leakage';
}

export interface TableStats {
  rows: number;
  columns: ColumnStats[];
  correlations?: { columns: string[]; matrix: (number | null)[][] };
  label?: LabelBalance;
  importance?: FeatureImportance[];
}

export interface ItemFinding {
  kind: string;
  count: number;
  examples: string[];
  message: string;
}

export interface TableAnomaly {
  kind: string;
  column?: string;
  count: number;
  example_rows: number[];
  message: string;
}

export interface QualityReport {
  items: { items: number; findings: ItemFinding[]; ok: boolean };
  dictionaries?: DictionaryQuality[];
  table?: {
    item: string;
    /** "inferred" or "saved schema from vN" */
    against: string;
    report: { rows: number; ok: boolean; anomalies: TableAnomaly[] };
  };
}

export interface ColumnSchema {
  name: string;
  type: string;
  nullable: boolean;
  min?: number;
  max?: number;
  categories?: string[];
}

export interface TableSchema {
  version: number;
  columns: ColumnSchema[];
  label?: string;
  min_minority_share?: number;
}

export interface SavedSchema {
  schema: TableSchema;
  version: string;
  item: string;
  created_at?: number;
  created_by?: string;
}

export interface TransformInfo {
  hash: string;
  version: string;
  item: string;
  created_at?: number;
  created_by?: string;
}

export interface FittedStep {
  kind: string;
  [k: string]: unknown;
}

export interface TransformSpec {
  format?: string;
  version?: number;
  columns: { column: string; name: string; type: string; steps: FittedStep[] }[];
}

export interface SplitReport {
  counts: Record<string, number>;
  classes: Record<string, Record<string, number>>;
}

/** Jobs (EXP-9): times are milliseconds since the epoch, 0 when not yet. */
export interface JobResources {
  cpus: number;
  memory_mb: number;
  gpus: number;
}

export interface Job {
  id: number;
  project_id: number | string;
  kind: string;
  name: string;
  payload: { command?: string[]; env?: Record<string, string> } & Record<string, unknown>;
  priority: number;
  resources: JobResources;
  max_attempts: number;
  timeout_s: number;
  state: string;
  attempts: number;
  worker: string;
  cancel_requested: boolean;
  created_at: number;
  created_by: string;
  started_at: number;
  finished_at: number;
  error: string;
  exit_code: number | null;
  /** The tracking run the job executes (payload.run_id), or null. */
  run_id?: string | null;
  /** Distributed group (EXP-8): rank 0's job id, or null for an ordinary job. */
  group?: number | null;
  rank?: number;
  world_size?: number;
  rendezvous_timeout_s?: number;
}

/** One entry of payload.data: a data version materialized in the job's directory under `path`. */
export interface JobDataInput {
  dataset: string;
  version: number;
  path: string;
}

export interface JobLogChunk {
  seq: number;
  at: number;
  text: string;
}

export interface JobLogs {
  chunks: JobLogChunk[];
  state: string;
  done: boolean;
}

/** A recurring job (EXP-9): a cron expression (UTC) and the job submitted at each fire. */
export interface JobSchedule {
  id: number;
  project_id: number;
  name: string;
  cron: string;
  job: { name?: string; payload?: { command?: string[] } } & Record<string, unknown>;
  enabled: boolean;
  created_by: string;
  created_at: number;
  next_fire_at: number;
  last_fire_at: number;
  last_job_id: number;
  last_error: string;
  timezone: string;
}

// ---- environments (PRJ-6) and code snapshots (PRJ-7)
export interface EnvVariable {
  name: string;
  /** null for a secret: its value never leaves the server except to a job that runs with it. */
  value: string | null;
  secret: boolean;
}

export interface Environment {
  project: string;
  name: string;
  kind: 'development' | 'inference';
  description: string;
  image: string;
  isolation: string;
  resources: { cpus: number; memory_mb: number; gpus: number };
  variables: EnvVariable[];
  parameters: Record<string, unknown>;
  references: { name: string; path: string }[];
  revision: number;
  latest_revision: number;
  message: string;
  created_at: number;
  created_by: string;
  revised_at: number;
  revised_by: string;
}

export interface EnvRevision {
  revision: number;
  message: string;
  created_at: number;
  created_by: string;
}

export interface CodeSnapshot {
  project: string;
  id: string;
  files: number;
  bytes: number;
  source: 'archive' | 'git' | 'dir';
  git_commit: string;
  git_branch: string;
  git_dirty: boolean;
  message: string;
  created_at: number;
  created_by: string;
}

export interface CodeFile {
  path: string;
  mode: string;
  sha256: string;
  size: number;
}

// Studies (EXP-5): docs/api.md "Studies".
export interface StudyTrial {
  number: number;
  state: 'running' | 'complete' | 'pruned' | 'failed' | string;
  params: Record<string, string | number | boolean | null>;
  value: number | null;
  intermediate: [number, number][];
  run_id: string;
  job_id: number;
  error: string;
  created_at: number;
  finished_at: number;
}

/** A built-in trainer a study's AutoML algorithm may name (GET /api/v1/trainers). */
export interface BuiltinTrainer {
  name: string;
  description: string;
  space: Record<string, unknown>[];
  args: string[];
}

export interface Study {
  id: number;
  project: string;
  name: string;
  experiment_id: number;
  parent_run_id: string;
  state: 'running' | 'stopped' | 'completed' | 'failed' | string;
  error: string;
  created_by: string;
  created_at: number;
  finished_at: number;
  n_trials: number;
  objective: { metric: string; goal: 'minimize' | 'maximize' };
  sampler: string;
  pruner: string;
  trial_counts: { running: number; complete: number; pruned: number; failed: number };
  best_trial: StudyTrial | null;
  spec?: Record<string, unknown> & { parallelism?: number; space?: { params: StudyParamSpec[] } };
}

export interface StudyParamSpec {
  name: string;
  type: 'float' | 'int' | 'categorical';
  low?: number;
  high?: number;
  log?: boolean;
  step?: number;
  choices?: (string | number | boolean | null)[];
  condition?: { parent: string; values: unknown[] };
}

export interface StudyPlots {
  params: StudyParamSpec[];
  metric: string;
  goal: string;
  history: { number: number; value: number; best: number }[];
  importance: { name: string; importance: number }[] | null;
  importance_error?: string;
  parallel: { dimensions: string[]; rows: { number: number; values: (number | null)[] }[] };
  slice: Record<string, { number: number; x: string | number | boolean | null; value: number }[]>;
  contour: {
    x: string;
    y: string;
    x_log: boolean;
    y_log: boolean;
    x_grid: number[];
    y_grid: number[];
    z: number[][];
    points: { number: number; x: number; y: number; value: number }[];
  } | null;
}

// ---- evaluation, report and confirmation (report.*)

export interface CurveJson {
  fpr?: number[];
  tpr?: number[];
  precision?: number[];
  recall?: number[];
  thresholds?: number[];
}
export interface SliceRow {
  key: string;
  rows: number;
  share: number | null;
  metric: number | null;
  baseline: number | null;
  gap: number | null;
  priority: number | null;
  error?: string;
}
export interface SliceReport {
  by: string;
  metric: string;
  higher_is_better: boolean;
  overall: number | null;
  rows: number;
  slices: SliceRow[];
}
export interface BaselineJson {
  model?: string;
  prediction?: unknown;
  run_id?: string;
  run_name?: string;
  chosen?: string;
  metrics: Record<string, number | null>;
  /** Human-level baselines: where the labelers' agreement comes from. */
  labeling_project?: string;
  labeled_version?: string;
  roc?: CurveJson | null;
  pr?: CurveJson | null;
}
export interface StoredEvaluation {
  name: string;
  artifact: string;
  problem: 'classification' | 'regression';
  n: number;
  labels?: (string | number)[];
  metrics: Record<string, number | null>;
  report?: { per_class: { label: number; precision: number | null; recall: number | null; f1: number | null; support: number }[] };
  confusion?: { labels: number[]; matrix: number[][] };
  roc?: CurveJson;
  pr?: CurveJson;
  calibration?: { prob_true: number[]; prob_pred: number[]; count: number[] };
  residuals?: {
    n: number;
    mean: number | null;
    std: number | null;
    min: number | null;
    max: number | null;
    mean_abs: number | null;
    percentiles: Record<string, number | null>;
    histogram: { edges: (number | null)[]; counts: number[] };
  };
  slices?: SliceReport[];
  baselines: {
    simple: BaselineJson | null;
    previous: BaselineJson | null;
    human: BaselineJson | null;
    human_note: string;
  };
}
export interface CriteriaCheck {
  passed: boolean;
  /** metric: the name the clause uses; logged_as: the run's key that gave actual (src/eval/metric_names.h). */
  clauses: { text: string; passed: boolean; actual: number | null; metric?: string; logged_as?: string | null }[];
  missing: string[];
  /** For each missing name, the run's logged names close to it, best first. */
  close?: Record<string, string[]>;
  criteria: string;
  task: string;
}
export interface ConfirmedPackage {
  id: number;
  run_id: string;
  task: string;
  task_id: number;
  criteria: string;
  criteria_result: CriteriaCheck;
  manifest_sha256: string;
  manifest_size: number;
  created_by: string;
  created_at: number;
  manifest?: PackageManifest;
}
export interface PackageManifest {
  schema: string;
  package_id: number;
  project: string;
  run: { id: string; name: string; experiment_id: number; experiment: string; status: string };
  task: { name: string; acceptance_criteria: string };
  artifacts: { path: string; size: number; sha256: string; role: string }[];
  evaluation: { artifact: string; metrics: Record<string, number | null> } | null;
  data_lineage: { kind: string; ref: string }[];
  code: { key: string; value: string }[];
  environment: string | null;
  params: Record<string, string>;
  metrics: Record<string, number | null>;
}
export interface RunCriteria {
  task: string | null;
  check: CriteriaCheck | null;
  tasks: { name: string; acceptance_criteria: string }[];
  packages: ConfirmedPackage[];
}

// Components and pipelines (EXP-3)
export interface ParamSpec {
  name: string;
  type: 'int' | 'float' | 'string' | 'bool';
  default?: unknown;
  description?: string;
}

export interface IoSpec {
  name: string;
  type: 'file' | 'dir';
  optional?: boolean;
  description?: string;
}

export interface ComponentDefinition {
  name: string;
  kind: string;
  description: string;
  command: string[];
  parameters: ParamSpec[];
  inputs: IoSpec[];
  outputs: IoSpec[];
  resources: JobResources;
  environment: string;
}

export interface PipelineStepDef {
  name: string;
  component: string;
  version: number | null;
  params: Record<string, unknown>;
  inputs: Record<string, { step: string; output: string }>;
  after: string[];
  cache: boolean;
}

export interface PipelineDefinition {
  name: string;
  description: string;
  parameters: ParamSpec[];
  steps: PipelineStepDef[];
}

export interface Saved<T> {
  name: string;
  version: number;
  hash: string;
  definition: T;
  created_at: number;
  created_by: string;
}

export interface StepOutput {
  type: 'file' | 'dir';
  sha256: string;
  size: number;
  files: { path: string; sha256: string; size: number }[];
}

export interface PipelineStep {
  name: string;
  component: string;
  component_version: number;
  kind: string;
  depends_on: string[];
  state: string;
  job_id: number | null;
  run_id: string;
  cache_key: string;
  params: Record<string, unknown>;
  command: string[];
  inputs: Record<string, { from: string; sha256?: string; type?: string }>;
  outputs: Record<string, StepOutput>;
  cached_from: string;
  error: string;
  started_at: number;
  finished_at: number;
}

export interface PipelineRun {
  id: number;
  project: string;
  pipeline: string;
  pipeline_version: number;
  params: Record<string, unknown>;
  cache: boolean;
  state: string;
  run_id: string;
  experiment_id: number;
  error: string;
  created_at: number;
  finished_at: number;
  created_by: string;
  steps?: PipelineStep[];
  step_counts?: Record<string, number>;
}

// The registry's and serving's objects live in their own files; importing them from here still works.
export * from './registryTypes';
export * from './servingTypes';
