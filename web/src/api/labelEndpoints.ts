// The labeling endpoints the UI uses (src/api/label_handlers.cc).
import { api, getCsrfToken, qs, seg } from './client';
import type { AgreementReport, Annotation, Assignment, LabelEvent, LabelItem, LabelSchema, LabelingProject, SchemaSpec } from './labelTypes';

const base = (project: string) => `/api/v1/projects/${seg(project)}`;
export const labelingPath = (project: string, name: string) => `${base(project)}/labeling/${seg(name)}`;

export const listLabelSchemas = (project: string) => api.get<{ schemas: LabelSchema[] }>(`${base(project)}/label-schemas`);
export const saveLabelSchema = (project: string, name: string, spec: Partial<SchemaSpec>) =>
  api.post<{ schema: LabelSchema }>(`${base(project)}/label-schemas`, { name, spec });

export const listLabelingProjects = (project: string) =>
  api.get<{ labeling_projects: LabelingProject[] }>(`${base(project)}/labeling`);
export interface NewLabelingProject {
  name: string;
  dataset: string;
  version: string;
  schema: string;
  overlap?: number;
  batch_size?: number;
  path_prefix?: string;
  description?: string;
}
export const createLabelingProject = (project: string, body: NewLabelingProject) =>
  api.post<{ labeling_project: LabelingProject }>(`${base(project)}/labeling`, body);
export const getLabelingProject = (project: string, name: string) =>
  api.get<{ labeling_project: LabelingProject }>(labelingPath(project, name));

export const listLabelItems = (project: string, name: string, params: { batch?: number; offset?: number; limit?: number } = {}) =>
  api.get<{ items: LabelItem[]; total: number }>(`${labelingPath(project, name)}/items${qs(params)}`);
export const getLabelItem = (project: string, name: string, item: number) =>
  api.get<{ item: LabelItem }>(`${labelingPath(project, name)}/items/${item}`);
export const itemContentUrl = (project: string, name: string, item: number) => `${labelingPath(project, name)}/items/${item}/content`;

export interface AssignBody {
  mode: 'round_robin' | 'manual';
  labelers: string[];
  overlap?: number;
  batches?: number[];
}
export const assignItems = (project: string, name: string, body: AssignBody) =>
  api.post<{ added: number }>(`${labelingPath(project, name)}/assign`, body);
export const listAssignments = (
  project: string,
  name: string,
  params: { mine?: 1; state?: string; labeler?: string; batch?: number } = {},
) => api.get<{ assignments: Assignment[]; total: number }>(`${labelingPath(project, name)}/assignments${qs(params)}`);

export const assignmentUrl = (project: string, name: string, id: number) => `${labelingPath(project, name)}/assignments/${id}`;
export const saveDraft = (project: string, name: string, id: number, annotation: Annotation) =>
  api.put<{ assignment: Assignment }>(assignmentUrl(project, name, id), { annotation });
export const submitAnnotation = (project: string, name: string, id: number, annotation: Annotation) =>
  api.post<{ assignment: Assignment }>(`${assignmentUrl(project, name, id)}/submit`, { annotation });
export const reviewAssignment = (project: string, name: string, id: number, decision: 'accept' | 'reject', comment: string) =>
  api.post<{ assignment: Assignment }>(`${assignmentUrl(project, name, id)}/review`, { decision, comment });

/**
 * The last save when the page goes away: a keepalive request outlives the tab, so a draft typed
 * just before closing reaches the server (the local copy in localStorage covers a failure).
 */
export function saveDraftOnExit(project: string, name: string, id: number, annotation: Annotation): void {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const csrf = getCsrfToken();
  if (csrf) headers['X-CSRF-Token'] = csrf;
  void fetch(assignmentUrl(project, name, id), {
    method: 'PUT',
    headers,
    body: JSON.stringify({ annotation }),
    credentials: 'same-origin',
    keepalive: true,
  }).catch(() => undefined);
}

export const labelHistory = (project: string, name: string, item?: number) =>
  api.get<{ events: LabelEvent[] }>(`${labelingPath(project, name)}/history${qs({ item })}`);
export const labelAgreement = (project: string, name: string) =>
  api.get<{ agreement: AgreementReport }>(`${labelingPath(project, name)}/agreement`);
export const finishLabeling = (project: string, name: string, message: string, allowPartial: boolean) =>
  api.post<{ version: { name: string; item_count: number } }>(`${labelingPath(project, name)}/finish`, {
    message,
    allow_partial: allowPartial,
  });
