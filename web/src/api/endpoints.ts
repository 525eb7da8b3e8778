// One function per endpoint the UI uses (docs/api.md).
import { api, ApiError, getCsrfToken, putBytes, qs, sendBytes, seg } from './client';
import type {
  ApprovalRequest,
  Deployment,
  DeploymentDetail,
  DeploymentVariant,
  DeploymentStrategy,
  DeploymentEnvironment,
  CapturesResponse,
  Guardrails,
  ShadowPolicy,
  V2InferResponse,
  V2ModelMeta,
  V2Tensor,
  ArtifactFile,
  CriteriaCheck,
  CodeFile,
  CodeSnapshot,
  Environment,
  EnvRevision,
  Connection,
  DataDiff,
  DataRound,
  DataVersion,
  Dataset,
  DatasetDetail,
  Experiment,
  ItemsPage,
  ComponentDefinition,
  Job,
  JobLogs,
  JobSchedule,
  Lineage,
  LoginResponse,
  Me,
  Member,
  PipelineDefinition,
  PipelineRun,
  MetricSeries,
  ImportedRepository,
  ModelCard,
  ModelStage,
  ModelSummary,
  ModelVersion,
  RegisteredModel,
  RegistrySettings,
  RequestState,
  Project,
  Saved,
  QualityReport,
  SavedSchema,
  TableSchema,
  TableStats,
  TransformInfo,
  TransformSpec,
  Run,
  RunInfo,
  RunSearchRequest,
  RunSearchResponse,
  BuiltinTrainer,
  Study,
  StudyPlots,
  StudyTrial,
  Task,
  UploadPartInfo,
} from './types';

export const login = (username: string, password: string) =>
  api.post<LoginResponse>('/api/v1/auth/login', { username, password }, { skipUnauthorized: true });
export const logout = () => api.post<unknown>('/api/v1/auth/logout', {}, { skipUnauthorized: true });
export const getMe = () => api.get<Me>('/api/v1/auth/me', { skipUnauthorized: true });

export const listProjects = () => api.get<{ projects?: Project[] }>('/api/v1/projects');
/** Projects with their cards' counts and last activity (`?summary=true`). */
export const listProjectsWithSummary = () => api.get<{ projects?: Project[] }>('/api/v1/projects?summary=true');
export const createProject = (body: { name: string; display_name?: string; description?: string }) =>
  api.post<{ project: Project }>('/api/v1/projects', body);
export const getProject = (project: string) =>
  api.get<{ project: Project }>(`/api/v1/projects/${seg(project)}`);

export const listMembers = (project: string) =>
  api.get<{ members?: Member[] }>(`/api/v1/projects/${seg(project)}/members`);
export const putMember = (project: string, user: string, role: string) =>
  api.put<{ member: Member }>(`/api/v1/projects/${seg(project)}/members/${seg(user)}`, { role });
export const deleteMember = (project: string, user: string) =>
  api.del<unknown>(`/api/v1/projects/${seg(project)}/members/${seg(user)}`);

export const listTasks = (project: string) =>
  api.get<{ tasks?: Task[] }>(`/api/v1/projects/${seg(project)}/tasks`);
/** A run against a task's acceptance criteria (src/eval/metric_names.h). */
export const evaluateTask = (project: string, task: string, runId: string) =>
  api.post<Omit<CriteriaCheck, 'task'>>(`/api/v1/projects/${seg(project)}/tasks/${seg(task)}/evaluate`, { run_id: runId });
export interface NewTask {
  name: string;
  domain: string;
  problem_type: string;
  primary_metric?: string;
  metrics?: string[];
  acceptance_criteria?: string;
  description?: string;
}
export const createTask = (project: string, body: NewTask) =>
  api.post<{ task: Task }>(`/api/v1/projects/${seg(project)}/tasks`, body);
export const validateCriteria = (expression: string, signal?: AbortSignal) =>
  api.post<{ valid: boolean; metrics?: string[]; canonical?: string }>('/api/v1/criteria/validate', { expression }, { signal });

export const listExperiments = (project: string) =>
  api.get<{ experiments?: Experiment[] }>(`/api/v1/projects/${seg(project)}/experiments`);
export const createExperiment = (project: string, name: string) =>
  api.post<{ experiment: Experiment }>(`/api/v1/projects/${seg(project)}/experiments`, { name });
export const getExperiment = (id: string) =>
  api.get<{ experiment: Experiment }>(`/api/v1/experiments/${seg(id)}`);

export const searchRuns = (req: RunSearchRequest, signal?: AbortSignal) =>
  api.post<RunSearchResponse>('/api/v1/runs/search', req, { signal });
export const getRun = (runId: string) => api.get<{ run: Run; inputs?: unknown }>(`/api/v1/runs/${seg(runId)}`);
export const bulkHistory = (runIds: string[], metricKeys: string[], maxPoints = 1000) =>
  api.post<{ series?: MetricSeries[] }>('/api/v1/metrics/bulk-history', {
    run_ids: runIds,
    metric_keys: metricKeys,
    max_points: maxPoints,
  });
export const listArtifacts = (runId: string, path?: string) =>
  api.get<{ files?: ArtifactFile[] }>(`/api/v1/runs/${seg(runId)}/artifacts${qs({ path })}`);
export const artifactContentUrl = (runId: string, path: string) =>
  `/api/v1/runs/${seg(runId)}/artifacts/content${qs({ path })}`;
/** An artifact's bytes as text, for the run page's preview. */
export async function getArtifactText(runId: string, path: string, signal?: AbortSignal): Promise<string> {
  const r = await fetch(artifactContentUrl(runId, path), { credentials: 'same-origin', signal });
  if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
  return r.text();
}

// ---- data management

const ds = (project: string, dataset: string) => `/api/v1/projects/${seg(project)}/datasets/${seg(dataset)}`;

export const searchDatasets = (q: string) => api.get<{ datasets?: Dataset[] }>(`/api/v1/datasets${qs({ q })}`);
export const listDatasets = (project: string) =>
  api.get<{ datasets?: Dataset[] }>(`/api/v1/projects/${seg(project)}/datasets`);
export interface NewDataset {
  name: string;
  domain: string;
  description?: string;
  sensitive?: boolean;
  tags?: string[];
}
export const createDataset = (project: string, body: NewDataset) =>
  api.post<{ dataset: Dataset }>(`/api/v1/projects/${seg(project)}/datasets`, body);
export const getDataset = (project: string, dataset: string) => api.get<DatasetDetail>(ds(project, dataset));

export interface ItemsQuery {
  offset?: number;
  limit?: number;
  prefix?: string;
}
export const getRoundItems = (project: string, dataset: string, round: number, q: ItemsQuery) =>
  api.get<ItemsPage & { round: DataRound }>(`${ds(project, dataset)}/rounds/${round}${qs({ ...q })}`);

export const createUpload = (project: string, dataset: string) =>
  api.post<{ upload: { id: string; max_part_bytes: number; max_parts?: number } }>(`${ds(project, dataset)}/uploads`, {});
export const getUpload = (project: string, dataset: string, id: string) =>
  api.get<{ upload: { id: string; created_at?: number; parts?: UploadPartInfo[] } }>(`${ds(project, dataset)}/uploads/${seg(id)}`);
export const putUploadPart = (project: string, dataset: string, id: string, part: number, body: Blob, signal?: AbortSignal) =>
  putBytes<{ part: number; bytes: number }>(`${ds(project, dataset)}/uploads/${seg(id)}/parts/${part}`, body, { signal });
export const completeUpload = (
  project: string,
  dataset: string,
  id: string,
  body: { format: 'archive' | 'file'; filename?: string; note?: string },
) => api.post<{ round: DataRound }>(`${ds(project, dataset)}/uploads/${seg(id)}/complete`, body);

export interface NewBundle {
  rounds: number[];
  path_prefix?: string;
  label?: string;
  sample_size?: number;
  sample_fraction?: number;
  seed?: number;
  note?: string;
}
export const createBundle = (project: string, dataset: string, body: NewBundle) =>
  api.post<{ round: DataRound }>(`${ds(project, dataset)}/bundles`, body);

export interface NewVersion {
  status: string;
  rounds?: number[];
  from_version?: string;
  labels?: { from: 'folders' } | { format: 'csv' | 'jsonl'; content: string };
  /** refined versions: the recorded refinement operations, e.g. [{op: 'drop_duplicate_items'}] */
  operations?: unknown[];
  /** split versions (made from an earlier version) */
  split?: {
    method: string;
    ratios?: Record<string, number>;
    folds?: number;
    seed?: number;
    group_by?: string;
    time_key?: string;
    /** stratified and k-fold: the meta key or table column holding the class (default "label") */
    label?: string;
    /** what is assigned: table rows or items (files); default rows in tabular datasets */
    unit?: 'rows' | 'items';
  };
  message?: string;
}
export const createVersion = (project: string, dataset: string, body: NewVersion) =>
  api.post<{ version: DataVersion }>(`${ds(project, dataset)}/versions`, body);
export const getVersion = (project: string, dataset: string, version: string) =>
  api.get<{ version: DataVersion; ref: string; runs?: RunInfo[] }>(`${ds(project, dataset)}/versions/${seg(version)}`);
export const getVersionItems = (project: string, dataset: string, version: string, q: ItemsQuery) =>
  api.get<ItemsPage>(`${ds(project, dataset)}/versions/${seg(version)}/items${qs({ ...q })}`);
export const versionArchiveUrl = (project: string, dataset: string, version: string) =>
  `${ds(project, dataset)}/versions/${seg(version)}/archive`;
export const rollbackVersion = (project: string, dataset: string, version: string) =>
  api.post<{ version: DataVersion }>(`${ds(project, dataset)}/versions/${seg(version)}/rollback`, {});
export const diffVersions = (project: string, dataset: string, from: string, to: string) =>
  api.get<DataDiff>(`${ds(project, dataset)}/diff${qs({ from, to })}`);

// ---- SQL sources (data connections) and SQL rounds

const conns = (project: string) => `/api/v1/projects/${seg(project)}/connections`;
export const listConnections = (project: string) => api.get<{ connections?: Connection[] }>(conns(project));
export const createConnection = (project: string, body: { name: string; kind: string; target: string }) =>
  api.post<{ connection: Connection }>(conns(project), body);
export const deleteConnection = (project: string, name: string) => api.del<{ deleted: string }>(`${conns(project)}/${seg(name)}`);
export interface NewSqlRound {
  connection: string;
  query: string;
  format?: 'csv' | 'jsonl';
  name?: string;
  note?: string;
  max_rows?: number;
}
export const createSqlRound = (project: string, dataset: string, body: NewSqlRound) =>
  api.post<{ round: DataRound }>(`${ds(project, dataset)}/rounds/sql`, body);

export const getLineage = (project: string, dataset: string) => api.get<Lineage>(`${ds(project, dataset)}/lineage`);

// ---- data analysis (docs/api.md: stats, quality, schema, transforms)

const ver = (project: string, dataset: string, version: string) => `${ds(project, dataset)}/versions/${seg(version)}`;

export interface TableQuery {
  /** a table item of the version (CSV, TSV, JSONL); empty: the first one */
  item?: string;
  label?: string;
}
export const getVersionStats = (project: string, dataset: string, version: string, q: TableQuery & { bins?: number }) =>
  api.get<{ item: string; stats: TableStats }>(`${ver(project, dataset, version)}/stats${qs({ ...q })}`);
export const getVersionQuality = (project: string, dataset: string, version: string, q: TableQuery) =>
  api.get<QualityReport>(`${ver(project, dataset, version)}/quality${qs({ ...q })}`);
export const getSchema = (project: string, dataset: string) => api.get<SavedSchema>(`${ds(project, dataset)}/schema`);
export const inferSchema = (
  project: string,
  dataset: string,
  body: { version: string; item?: string; label?: string; max_categories?: number },
) => api.post<{ schema: TableSchema; version: string; item: string }>(`${ds(project, dataset)}/schema`, body);
export const fitTransform = (project: string, dataset: string, version: string, body: { config: unknown; item?: string }) =>
  api.post<{ transform: TransformInfo & { spec: TransformSpec } }>(`${ver(project, dataset, version)}/transforms`, body);
export const listTransforms = (project: string, dataset: string) =>
  api.get<{ transforms?: TransformInfo[] }>(`${ds(project, dataset)}/transforms`);
export const getTransform = (project: string, dataset: string, hash: string) =>
  api.get<{ hash: string; spec: TransformSpec }>(`${ds(project, dataset)}/transforms/${seg(hash)}`);

// Jobs (EXP-9)
export const listJobs = (project: string, state?: string) =>
  api.get<{ jobs?: Job[] }>(`/api/v1/projects/${seg(project)}/jobs${qs({ state, limit: 200 })}`);
export const submitJob = (project: string, body: unknown) => api.post<{ job: Job }>(`/api/v1/projects/${seg(project)}/jobs`, body);
export const listSchedules = (project: string) => api.get<{ schedules?: JobSchedule[] }>(`/api/v1/projects/${seg(project)}/schedules`);
export const createSchedule = (project: string, body: unknown) =>
  api.post<{ schedule: JobSchedule }>(`/api/v1/projects/${seg(project)}/schedules`, body);
export const deleteSchedule = (project: string, id: number) => api.del<unknown>(`/api/v1/projects/${seg(project)}/schedules/${id}`);
export const getJob = (id: string | number) => api.get<{ job: Job }>(`/api/v1/jobs/${seg(String(id))}`);
export const cancelJob = (id: string | number) => api.post<{ job: Job }>(`/api/v1/jobs/${seg(String(id))}/cancel`, {});
export const getJobLogs = (id: string | number, after: number, signal?: AbortSignal) =>
  api.get<JobLogs>(`/api/v1/jobs/${seg(String(id))}/logs${qs({ after })}`, { signal });

// ---- environments (PRJ-6) and code snapshots (PRJ-7)
const envBase = (project: string) => `/api/v1/projects/${seg(project)}/environments`;
export const listEnvironments = (project: string) => api.get<{ environments: Environment[] }>(envBase(project));
export const getEnvironment = (project: string, name: string, revision?: number) =>
  api.get<{ environment: Environment }>(`${envBase(project)}/${seg(name)}${qs({ revision })}`);
export const listEnvRevisions = (project: string, name: string) =>
  api.get<{ revisions: EnvRevision[] }>(`${envBase(project)}/${seg(name)}/revisions`);
export const createEnvironment = (project: string, body: unknown) => api.post<{ environment: Environment }>(envBase(project), body);
export const updateEnvironment = (project: string, name: string, body: unknown) =>
  api.put<{ environment: Environment }>(`${envBase(project)}/${seg(name)}`, body);
export const deleteEnvironment = (project: string, name: string) => api.del<unknown>(`${envBase(project)}/${seg(name)}`);

const codeBase = (project: string) => `/api/v1/projects/${seg(project)}/code`;
export const listCodeSnapshots = (project: string) => api.get<{ snapshots: CodeSnapshot[] }>(codeBase(project));
export const getCodeSnapshot = (project: string, id: string) =>
  api.get<{ snapshot: CodeSnapshot; files: CodeFile[] }>(`${codeBase(project)}/${seg(id)}`);
export const listCodeRuns = (project: string, id: string) => api.get<{ runs: RunInfo[] }>(`${codeBase(project)}/${seg(id)}/runs`);
/** A file's text (the server answers raw bytes, text/plain for UTF-8). */
export async function getCodeFile(project: string, id: string, path: string): Promise<string> {
  const url = `${codeBase(project)}/${seg(id)}/files/${path.split('/').map(seg).join('/')}`;
  const r = await fetch(url, { credentials: 'same-origin' });
  if (!r.ok) {
    let message = `${r.status} ${r.statusText}`;
    try {
      const j = (await r.json()) as { message?: string };
      if (j.message) message = j.message;
    } catch {
      /* not JSON */
    }
    throw new Error(message);
  }
  return r.text();
}
export const codeArchiveUrl = (project: string, id: string) => `${codeBase(project)}/${seg(id)}/archive`;
// Studies (EXP-5)
export const listStudies = (project: string) => api.get<{ studies?: Study[] }>(`/api/v1/projects/${seg(project)}/studies`);
export const listTrainers = () => api.get<{ trainers: BuiltinTrainer[] }>('/api/v1/trainers');
export const createStudy = (project: string, body: unknown) => api.post<{ study: Study }>(`/api/v1/projects/${seg(project)}/studies`, body);
export const getStudy = (id: string | number) => api.get<{ study: Study }>(`/api/v1/studies/${seg(String(id))}`);
export const listStudyTrials = (id: string | number) => api.get<{ trials: StudyTrial[] }>(`/api/v1/studies/${seg(String(id))}/trials`);
export const stopStudy = (id: string | number) => api.post<{ study: Study }>(`/api/v1/studies/${seg(String(id))}/stop`, {});
export const getStudyPlots = (id: string | number, x?: string, y?: string) =>
  api.get<{ plots: StudyPlots }>(`/api/v1/studies/${seg(String(id))}/plots${qs({ x, y })}`);
// ---- evaluation, report and confirmation

export const getRunEvaluation = (runId: string, baselineRun?: string) =>
  api.get<{ evaluation: import('./types').StoredEvaluation | null }>(
    `/api/v1/runs/${seg(runId)}/evaluation${qs({ baseline_run: baselineRun || undefined })}`,
  );
export const getRunCriteria = (runId: string, task?: string) =>
  api.get<import('./types').RunCriteria>(`/api/v1/runs/${seg(runId)}/criteria${qs({ task: task || undefined })}`);
export const confirmRun = (runId: string, task?: string) =>
  api.post<{ package: import('./types').ConfirmedPackage }>(`/api/v1/runs/${seg(runId)}/confirm`, task ? { task } : {});
export const reportUrl = (runId: string, format: 'html' | 'pdf', lang: string, download = true) =>
  `/api/v1/runs/${seg(runId)}/report${qs({ format, lang: lang === 'en' ? 'en' : 'ko', download: download ? '1' : undefined })}`;
export const listPackages = (project: string) =>
  api.get<{ packages: import('./types').ConfirmedPackage[] }>(`/api/v1/projects/${seg(project)}/packages`);
export const getPackage = (id: number) => api.get<{ package: import('./types').ConfirmedPackage }>(`/api/v1/packages/${id}`);
export const packageArchiveUrl = (id: number) => `/api/v1/packages/${id}/archive`;

// Components and pipelines (EXP-3)
export const listComponents = (project: string) =>
  api.get<{ components: Saved<ComponentDefinition>[] }>(`/api/v1/projects/${seg(project)}/components`);
export const listPipelines = (project: string) =>
  api.get<{ pipelines: Saved<PipelineDefinition>[] }>(`/api/v1/projects/${seg(project)}/pipelines`);
export const startPipelineRun = (project: string, pipeline: string, body: { parameters: Record<string, unknown>; cache: boolean }) =>
  api.post<{ run: PipelineRun }>(`/api/v1/projects/${seg(project)}/pipelines/${seg(pipeline)}/runs`, body);
export const listPipelineRuns = (project: string) =>
  api.get<{ runs: PipelineRun[] }>(`/api/v1/projects/${seg(project)}/pipeline-runs${qs({ limit: 50 })}`);
export const getPipelineRun = (id: string | number) => api.get<{ run: PipelineRun }>(`/api/v1/pipeline-runs/${seg(String(id))}`);
export const cancelPipelineRun = (id: string | number) =>
  api.post<{ run: PipelineRun }>(`/api/v1/pipeline-runs/${seg(String(id))}/cancel`, {});

// ---- model registry (REG-1 to REG-3)
export interface RegisterVersionBody {
  run_id?: string;
  package_id?: number;
  /** the folder (or one file) within the run's artifacts or the package; the server's default is "model" */
  path?: string;
  description?: string;
  tags?: Record<string, string>;
}
export const listModels = (project: string, filter?: string) =>
  api.get<{ models: ModelSummary[] }>(`/api/v1/projects/${seg(project)}/models${qs({ filter })}`);
export const registerModelVersion = (project: string, model: string, body: RegisterVersionBody) =>
  api.post<{ version: ModelVersion }>(`/api/v1/projects/${seg(project)}/models/${seg(model)}/versions`, body);
export const getModel = (model: string) =>
  api.get<{ model: RegisteredModel; versions: ModelVersion[] }>(`/api/v1/models/${seg(model)}`);
export const getModelVersion = (model: string, version: string | number) =>
  api.get<{ version: ModelVersion }>(`/api/v1/models/${seg(model)}/versions/${seg(String(version))}`);
export const moveModelStage = (
  model: string,
  version: string | number,
  body: { stage: ModelStage; archive_existing?: boolean; reason?: string },
) => api.post<{ version: ModelVersion }>(`/api/v1/models/${seg(model)}/versions/${seg(String(version))}/stage`, body);
export const setModelAlias = (model: string, alias: string, version: number) =>
  api.put<{ model: RegisteredModel }>(`/api/v1/models/${seg(model)}/aliases/${seg(alias)}`, { version });
export const deleteModelAlias = (model: string, alias: string) => api.del<unknown>(`/api/v1/models/${seg(model)}/aliases/${seg(alias)}`);

// ---- approval requests (REG-5)
export const requestStage = (
  model: string,
  version: number | string,
  body: { stage: 'production'; reason: string; archive_existing: boolean },
) => api.post<{ request: ApprovalRequest }>(`/api/v1/models/${seg(model)}/versions/${seg(String(version))}/requests`, body);
export const listApprovals = (params: { state?: RequestState; project?: string } = {}) =>
  api.get<{ requests: ApprovalRequest[] }>(`/api/v1/approvals${qs(params)}`);
export const getApproval = (id: number | string) => api.get<{ request: ApprovalRequest }>(`/api/v1/approvals/${seg(String(id))}`);
export const approveRequest = (id: number | string, comment: string) =>
  api.post<{ request: ApprovalRequest }>(`/api/v1/approvals/${seg(String(id))}/approve`, comment ? { comment } : {});
export const rejectRequest = (id: number | string, comment: string) =>
  api.post<{ request: ApprovalRequest }>(`/api/v1/approvals/${seg(String(id))}/reject`, { comment });
export const cancelRequest = (id: number | string) => api.post<{ request: ApprovalRequest }>(`/api/v1/approvals/${seg(String(id))}/cancel`, {});
export const commentOnRequest = (id: number | string, text: string) =>
  api.post<{ request: ApprovalRequest }>(`/api/v1/approvals/${seg(String(id))}/comments`, { text });
export const getRegistrySettings = (project: string) => api.get<RegistrySettings>(`/api/v1/projects/${seg(project)}/registry-settings`);
export const putRegistrySettings = (project: string, requiredApprovals: number) =>
  api.put<RegistrySettings>(`/api/v1/projects/${seg(project)}/registry-settings`, { required_approvals: requiredApprovals });

// ---- model cards (REG-4) and Triton repositories (docs/design/triton.md)
const cardPath = (model: string, version: number | string) => `/api/v1/models/${seg(model)}/versions/${seg(String(version))}/card`;
export const getModelCard = (model: string, version: number | string, lang: 'en' | 'ko') =>
  api.get<{ card: ModelCard }>(`${cardPath(model, version)}${qs({ lang })}`);
/** Writes sections' text (an empty text removes it); answers the card in `lang`. */
export const putModelCard = (model: string, version: number | string, sections: Record<string, string>, lang: 'en' | 'ko') =>
  api.put<{ card: ModelCard }>(`${cardPath(model, version)}${qs({ lang })}`, { sections });
/** The card as a document: HTML (self-contained) or PDF; `download` asks for an attachment. */
export const modelCardUrl = (model: string, version: number | string, format: 'html' | 'pdf', lang: 'en' | 'ko', download = true) =>
  `${cardPath(model, version)}${qs({ format, lang, download: download ? '1' : undefined })}`;
/** The version as a Triton model repository (a tar). */
export const modelExportUrl = (model: string, version: number | string) =>
  `/api/v1/models/${seg(model)}/versions/${seg(String(version))}/export${qs({ max_batch_size: 1024 })}`;
/** Registers the versions of a Triton repository sent as the raw body (tar, tar.gz or zip). */
export const importRepository = (project: string, archive: Blob, model?: string) =>
  sendBytes<ImportedRepository>('POST', `/api/v1/projects/${seg(project)}/models/import${qs({ model })}`, archive, 'application/x-tar');

// ---- model serving (docs/design/serving.md)
export const listDeployments = (project: string) =>
  api.get<{ deployments: Deployment[] }>(`/api/v1/projects/${seg(project)}/deployments`);
/** One deployment with its history, per-variant counters (since loaded and over the last `windowS` seconds) and capture counts. */
export const getDeployment = (name: string, windowS?: number) =>
  api.get<{ deployment: DeploymentDetail }>(`/api/v1/deployments/${seg(name)}${qs({ window_s: windowS })}`);
export interface CreateDeploymentBody {
  name: string;
  environment: DeploymentEnvironment;
  variants: DeploymentVariant[];
  description?: string;
  reason?: string;
}
export const createDeployment = (project: string, body: CreateDeploymentBody) =>
  api.post<{ deployment: Deployment }>(`/api/v1/projects/${seg(project)}/deployments`, body);
export const deleteDeployment = (name: string) => api.del<Record<string, never>>(`/api/v1/deployments/${seg(name)}`);
/** What PUT /deployments/{name} changes: variants, routing, capture rate, shadow, guardrails (null removes them). */
export interface DeploymentChanges {
  variants?: DeploymentVariant[];
  strategy?: DeploymentStrategy;
  sticky_header?: string;
  capture_rate?: number;
  shadow?: ShadowPolicy | null;
  guardrails?: Omit<Guardrails, 'max_error_rate' | 'max_p99_ms'> & { max_error_rate?: number; max_p99_ms?: number } | null;
  reason?: string;
}
export const updateDeployment = (name: string, body: DeploymentChanges) =>
  api.put<{ deployment: Deployment }>(`/api/v1/deployments/${seg(name)}`, body);
export const rollbackDeployment = (name: string, reason?: string) =>
  api.post<{ deployment: Deployment }>(`/api/v1/deployments/${seg(name)}/rollback`, reason ? { reason } : {});
/** A canary of `model` v`version`: steps of the traffic (percent) every `interval_s`, rolled back by the guardrails. */
export const startCanary = (
  name: string,
  body: { model: string; version: number; name?: string; steps?: number[]; interval_s?: number; reason?: string },
) => api.post<{ deployment: Deployment }>(`/api/v1/deployments/${seg(name)}/canary`, body);
/** Blue-green: all traffic to `model` v`version` at once; the variants before stay warm for `keep_s` seconds. */
export const switchDeployment = (name: string, body: { model: string; version: number; name?: string; keep_s?: number; reason?: string }) =>
  api.post<{ deployment: Deployment }>(`/api/v1/deployments/${seg(name)}/switch`, body);
export interface CaptureFilter {
  limit?: number;
  variant?: string;
  request_id?: string;
  feedbackOnly?: boolean;
}
export const listCaptures = (name: string, f: CaptureFilter = {}) =>
  api.get<CapturesResponse>(
    `/api/v1/deployments/${seg(name)}/captures${qs({ limit: f.limit, variant: f.variant, request_id: f.request_id, feedback: f.feedbackOnly ? 'only' : undefined })}`,
  );
/** Ground truth for a request id (replaces earlier feedback for it). */
export const postFeedback = (name: string, requestId: string, value: unknown) =>
  api.post<{ accepted: number }>(`/api/v1/deployments/${seg(name)}/feedback`, { request_id: requestId, value });
export const getV2Model = (name: string) => api.get<V2ModelMeta>(`/v2/models/${seg(name)}`);

/**
 * POST /v2/models/{name}/infer: the answer, the variant that served it (X-Moebius-Variant) and the
 * request's id (X-Moebius-Request-Id; feedback names it).
 */
export async function inferV2(name: string, inputs: V2Tensor[]): Promise<{ response: V2InferResponse; variant: string; requestId: string }> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
  const csrf = getCsrfToken();
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(`/v2/models/${seg(name)}/infer`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ inputs }),
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError(0, 'NETWORK_ERROR', e instanceof Error ? e.message : String(e), {});
  }
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = {};
  }
  if (!res.ok) {
    // The v2 protocol answers {"error": "..."}; the REST layer's {"message"} is read too.
    const message =
      typeof parsed.error === 'string' ? parsed.error : typeof parsed.message === 'string' ? parsed.message : `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, `HTTP_${res.status}`, message, parsed);
  }
  return {
    response: parsed as unknown as V2InferResponse,
    variant: res.headers.get('X-Moebius-Variant') ?? '',
    requestId: res.headers.get('X-Moebius-Request-Id') ?? '',
  };
}
