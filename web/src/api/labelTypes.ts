// The labeling API's objects (src/api/label_views.cc, docs/design/label.md).

export type TaskType =
  | 'image_classification'
  | 'object_detection'
  | 'segmentation'
  | 'text_classification'
  | 'ner'
  | 'qa'
  | 'tabular_classification';

export type AssignmentState = 'todo' | 'in_progress' | 'submitted' | 'accepted' | 'rejected';

export interface LabelClass {
  name: string;
  color: string;
  hotkey: string;
  description: string;
}

export interface SchemaSpec {
  task_type: TaskType;
  classes: LabelClass[];
  multi_label: boolean;
  allow_overlap: boolean;
}

export interface LabelSchema {
  id: number;
  name: string;
  version: number;
  task_type: TaskType;
  spec: SchemaSpec;
  created_by: string;
  created_at: number;
}

export interface LabelerProgress {
  labeler: string;
  todo: number;
  in_progress: number;
  submitted: number;
  accepted: number;
  rejected: number;
  total: number;
}

export interface LabelProgress {
  items: number;
  assigned_items: number;
  accepted_items: number;
  assignments: number;
  states: Record<AssignmentState, number>;
  labelers: LabelerProgress[];
  batches: { batch: number; items: number; accepted_items: number }[];
  classes: { class: string; annotations: number }[];
}

export interface LabelingProject {
  id: number;
  name: string;
  description: string;
  dataset: string;
  data_version: string;
  overlap: number;
  batch_size: number;
  state: 'open' | 'finished';
  result_version: string | null;
  item_count: number;
  created_by: string;
  created_at: number;
  finished_at: number | null;
  schema: LabelSchema;
  progress: LabelProgress;
}

export interface Box {
  class: string;
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface PolygonShape {
  class: string;
  points: [number, number][];
}
export interface Span {
  class: string;
  start: number;
  end: number;
  text?: string;
}
export interface Answer {
  start: number;
  end: number;
  text?: string;
}

export interface Annotation {
  classes?: string[];
  boxes?: Box[];
  polygons?: PolygonShape[];
  masks?: { class: string; rle: { size: [number, number]; counts: number[] } }[];
  spans?: Span[];
  answers?: Answer[];
  impossible?: boolean;
  rows?: (string | null)[];
}

export interface Assignment {
  id: number;
  item_id: number;
  labeler: string;
  state: AssignmentState;
  comment: string;
  reviewer: string;
  revision: number;
  created_at: number;
  updated_at: number;
  annotation?: Annotation;
  path?: string;
  batch?: number;
}

export interface LabelItem {
  id: number;
  path: string;
  sha256: string;
  size: number;
  batch: number;
  assignments: Assignment[];
}

export interface LabelEvent {
  id: number;
  item_id: number;
  assignment_id: number;
  actor: string;
  action: 'assign' | 'save' | 'submit' | 'accept' | 'reject' | 'import';
  annotation: Annotation | null;
  comment: string;
  at: number;
  path: string;
}

export interface AgreementReport {
  task_type: TaskType;
  labelers: string[];
  items_compared: number;
  annotations: number;
  overall: Record<string, number | null>;
  pairs: (Record<string, number | string | null> & { a: string; b: string })[];
  per_labeler: (Record<string, number | string | null> & { labeler: string })[];
  per_class: (Record<string, number | string | null> & { class: string })[];
  disagreements: { item_id: number; path: string; labels: Record<string, string>; unit?: string }[];
  disagreement_count: number;
  hlp: { metric: string; value: number } | null;
}
