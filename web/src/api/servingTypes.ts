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
  policy: DeploymentPolicy;
}
/** A shadow mirror: a weight-0 variant that receives `share` of the requests; its answers are never returned */
export interface ShadowPolicy {
  variant: string;
  share: number;
}
/** Limits on the variants a rollback would take away, over `window_s`; null limits are not checked */
export interface Guardrails {
  /** a share from 0 to 1 */
  max_error_rate: number | null;
  max_p99_ms: number | null;
  window_s: number;
  min_requests: number;
}
/** A running canary: `variant` holds `percent` (= steps[step]) of the traffic until `next_at` (ms) */
export interface CanaryState {
  variant: string;
  steps: number[];
  interval_s: number;
  step: number;
  percent: number;
  next_at: number;
  /** the variants before the canary: what a rollback returns to */
  baseline: DeploymentVariant[];
}
/** After a blue-green switch: `previous` stay loaded at weight 0 until `keep_until` (ms) */
export interface BlueGreenState {
  previous: string[];
  keep_until: number;
  before: DeploymentVariant[];
}
export interface DeploymentPolicy {
  /** a share from 0 to 1 of the requests captured */
  capture_rate: number;
  shadow: ShadowPolicy | null;
  guardrails: Guardrails | null;
  canary: CanaryState | null;
  blue_green: BlueGreenState | null;
}
export const DEPLOYMENT_ACTIONS = [
  'create',
  'update',
  'configure',
  'canary-start',
  'canary-step',
  'canary-promote',
  'switch',
  'switch-finish',
  'rollback',
  'auto-rollback',
  'delete',
] as const;
export type DeploymentAction = (typeof DEPLOYMENT_ACTIONS)[number];
/** One change of a deployment; `before` is null on create */
export interface DeploymentChange {
  action: DeploymentAction | string;
  /** who made it; "moebius" for the server's own changes (canary steps, guardrails, the end of a switch) */
  actor: string;
  at: number;
  before: DeploymentVariant[] | null;
  after: DeploymentVariant[] | null;
  reason: string;
  /** the variants a rollback after this change returns to, when they are not `before` */
  rollback_to?: DeploymentVariant[] | null;
}
/** Counters and latency percentiles of one variant (since it was loaded, or over a window) */
export interface VariantCounters {
  requests: number;
  failures: number;
  /** failures / requests, 0 without requests */
  error_rate: number;
  rows: number;
  mean_ms: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  last_ms: number;
}
export interface VariantStats extends VariantCounters {
  /** whether this variant is the deployment's shadow mirror */
  shadow: boolean;
  /** the same counters over the last `window_s` seconds */
  window: VariantCounters;
}
export interface CaptureCounts {
  written: number;
  dropped: number;
  queued: number;
}
export interface DeploymentDetail extends Deployment {
  history: DeploymentChange[];
  /** by variant name; null when the deployment cannot be served (then `serving_error` says why) */
  stats: Record<string, VariantStats> | null;
  window_s?: number;
  capture?: CaptureCounts;
  shadow_dropped?: number;
  serving_error?: string;
}
/** A captured tensor: flat data in row-major order */
export interface CapturedTensor {
  datatype: string;
  shape: number[];
  data: unknown[];
}
/** One captured request (or its shadow answer) */
export interface CapturedRequest {
  /** the request id (X-Moebius-Request-Id); feedback names it */
  id: string;
  at: number;
  variant: string;
  model: string;
  version: number;
  shadow: boolean;
  latency_ms: number;
  inputs: Record<string, CapturedTensor>;
  outputs: Record<string, CapturedTensor>;
  error?: string;
  feedback?: unknown;
}
export interface CapturesResponse {
  captures: CapturedRequest[];
  capture_rate: number;
  counts: CaptureCounts;
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
