// One function per endpoint the UI uses (docs/api.md).
import { api, qs, seg } from './client';
import type {
  ArtifactFile,
  Experiment,
  LoginResponse,
  Me,
  Member,
  MetricSeries,
  Project,
  Run,
  RunSearchRequest,
  RunSearchResponse,
  Task,
} from './types';

export const login = (username: string, password: string) =>
  api.post<LoginResponse>('/api/v1/auth/login', { username, password }, { skipUnauthorized: true });
export const logout = () => api.post<unknown>('/api/v1/auth/logout', {}, { skipUnauthorized: true });
export const getMe = () => api.get<Me>('/api/v1/auth/me', { skipUnauthorized: true });

export const listProjects = () => api.get<{ projects?: Project[] }>('/api/v1/projects');
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
