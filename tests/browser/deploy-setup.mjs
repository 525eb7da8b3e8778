// Setup shared by deployments.test.mjs and deploy-strategies.test.mjs: a project, a run holding a real XGBoost JSON model (one
// tree on feature 0), two registered versions of it and a deployment a=v1@90, b=v2@10.
const tree = {
  tree_param: { num_nodes: '3', num_feature: '2', size_leaf_vector: '1' },
  id: 0,
  left_children: [1, -1, -1],
  right_children: [2, -1, -1],
  parents: [2147483647, 0, 0],
  split_indices: [0, 0, 0],
  split_conditions: [0.5, -0.4, 0.6],
  split_type: [0, 0, 0],
  default_left: [1, 0, 0],
  categories: [],
  categories_nodes: [],
  categories_segments: [],
  categories_sizes: [],
  base_weights: [0, -0.4, 0.6],
  loss_changes: [1, 0, 0],
  sum_hessian: [2, 1, 1],
};
export const XGB_MODEL = JSON.stringify({
  learner: {
    learner_model_param: { num_feature: '2', num_class: '0', base_score: '5E-1' },
    objective: { name: 'binary:logistic' },
    gradient_booster: {
      name: 'gbtree',
      model: { trees: [tree], tree_info: [0], gbtree_model_param: { num_trees: '1' } },
    },
  },
  version: [2, 0, 3],
});

export async function setUpDeployment(base, token, api, { project, model, deployment }) {
  const raw = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
      body,
    });
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  };
  await api('POST', '/api/v1/projects', { name: project, display_name: 'Deployments UI project' });
  const { experiment } = await api('POST', `/api/v1/projects/${project}/experiments`, { name: 'serve-exp' });
  const expId = experiment.experiment_id;
  const { run } = await api('POST', '/api/2.0/mlflow/runs/create', { experiment_id: expId, run_name: 'xgb-run' });
  const runId = run.info.run_id;
  await raw('PUT', `/api/2.0/mlflow-artifacts/artifacts/${expId}/${runId}/artifacts/model/model.json`, XGB_MODEL);
  await api('POST', '/api/2.0/mlflow/runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  await api('POST', `/api/v1/projects/${project}/models/${model}/versions`, { run_id: runId });
  await api('POST', `/api/v1/projects/${project}/models/${model}/versions`, { run_id: runId });
  return api('POST', `/api/v1/projects/${project}/deployments`, {
    name: deployment,
    environment: 'staging',
    description: 'Churn scoring, canary of v2',
    variants: [
      { name: 'a', model, version: 1, weight: 90 },
      { name: 'b', model, version: 2, weight: 10 },
    ],
    reason: 'first rollout',
  });
}

/** [variant, weight] of each row of a deployment's variants table, in order. */
export const weightsOf = (table) =>
  table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => [r.getAttribute('data-variant'), r.querySelector('[data-stat=weight]')?.textContent?.trim()]),
  );
