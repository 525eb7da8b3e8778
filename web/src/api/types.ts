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
