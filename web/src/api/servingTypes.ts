// Model serving's objects (docs/design/serving.md): deployments, their history and the v2 tensors.

// ---- model serving (docs/design/serving.md)
export type DeploymentEnvironment = 'development' | 'staging' | 'production';
export type DeploymentStrategy = 'weighted' | 'sticky';
export interface DeploymentVariant {
  name: string;
  model: string;
  version: number;
  weight: number;
}
export interface Deployment {
  id: number;
  project_id: number;
  name: string;
  environment: DeploymentEnvironment;
  strategy: DeploymentStrategy;
  sticky_header: string;
  variants: DeploymentVariant[];
  description: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}
/** One change of a deployment: create, update, rollback; `before` is null on create */
export interface DeploymentChange {
  action: string;
  actor: string;
  at: number;
  before: DeploymentVariant[] | null;
  after: DeploymentVariant[] | null;
  reason: string;
}
export interface VariantStats {
  requests: number;
  failures: number;
  rows: number;
  mean_ms: number;
}
export interface DeploymentDetail extends Deployment {
  history: DeploymentChange[];
  stats: Record<string, VariantStats>;
}
/** A KServe v2 tensor's metadata */
export interface V2TensorMeta {
  name: string;
  datatype: string;
  shape: number[];
}
export interface V2ModelMeta {
  name: string;
  versions: string[];
  platform: string;
  inputs: V2TensorMeta[];
  outputs: V2TensorMeta[];
}
export interface V2Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}
export interface V2InferResponse {
  model_name: string;
  model_version: string;
  outputs: V2Tensor[];
}
