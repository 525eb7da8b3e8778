import { useCallback, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createTask, listTasks } from '../../api/endpoints';
import { Modal } from '../../components/Modal';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTime } from '../../lib/format';
import { CriteriaInput, type CriteriaState } from './CriteriaInput';

// Domains and problem types of REQUIREMENTS.md PRJ-2, by their wire names.
export const DOMAINS = ['tabular', 'vision', 'language', 'multimodal'] as const;
export const PROBLEM_TYPES = [
  'classification',
  'regression',
  'detection',
  'segmentation',
  'ner',
  'qa',
  'clustering',
  'time-series-classification',
  'anomaly-detection',
  'ranking',
] as const;

export function TasksTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [creating, setCreating] = useState(false);
  const q = useQuery({ queryKey: ['tasks', project], queryFn: () => listTasks(project) });
  const tasks = q.data?.tasks ?? [];
  return (
    <section>
      <div className="section-head">
        <h2>{t('tasks.title')}</h2>
        <button type="button" className="btn primary" onClick={() => setCreating(true)}>
          {t('tasks.new')}
        </button>
      </div>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && tasks.length === 0 && <Empty>{t('tasks.empty')}</Empty>}
      {tasks.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>{t('tasks.name')}</th>
              <th>{t('tasks.domain')}</th>
              <th>{t('tasks.problemType')}</th>
              <th>{t('tasks.primaryMetric')}</th>
              <th>{t('tasks.metrics')}</th>
              <th>{t('tasks.criteria')}</th>
              <th>{t('tasks.created')}</th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((task) => (
              <tr key={task.id ?? task.name}>
                <td>
                  <strong>{task.name}</strong>
                  {task.description && <div className="muted small">{task.description}</div>}
                </td>
                <td>{t(`domains.${task.domain}`, { defaultValue: task.domain })}</td>
                <td>{t(`problemTypes.${task.problem_type}`, { defaultValue: task.problem_type })}</td>
                <td className="mono">{task.primary_metric}</td>
                <td className="mono">{(task.metrics ?? []).join(', ')}</td>
                <td className="mono">{task.acceptance_criteria}</td>
                <td>{formatDateTime(task.created_at, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <CreateTask project={project} onClose={() => setCreating(false)} />}
    </section>
  );
}

function splitList(s: string): string[] {
  return s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

function CreateTask({ project, onClose }: { project: string; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [domain, setDomain] = useState<string>('tabular');
  const [problemType, setProblemType] = useState<string>('classification');
  const [primary, setPrimary] = useState('');
  const [metrics, setMetrics] = useState('');
  const [criteria, setCriteria] = useState('');
  const [description, setDescription] = useState('');
  const [criteriaState, setCriteriaState] = useState<CriteriaState>({ kind: 'empty' });
  const onState = useCallback((s: CriteriaState) => setCriteriaState(s), []);
  const m = useMutation({
    mutationFn: () =>
      createTask(project, {
        name: name.trim(),
        domain,
        problem_type: problemType,
        primary_metric: primary.trim() || undefined,
        metrics: splitList(metrics).length ? splitList(metrics) : undefined,
        acceptance_criteria: criteria.trim() || undefined,
        description: description.trim() || undefined,
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['tasks', project] });
      onClose();
    },
  });
  const blocked = criteriaState.kind === 'invalid' || criteriaState.kind === 'checking';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() && !blocked) m.mutate();
  };
  return (
    <Modal title={t('tasks.new')} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span>{t('tasks.name')}</span>
          <input name="name" required autoFocus value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <div className="row">
          <label className="field">
            <span>{t('tasks.domain')}</span>
            <select name="domain" value={domain} onChange={(e) => setDomain(e.target.value)}>
              {DOMAINS.map((d) => (
                <option key={d} value={d}>
                  {t(`domains.${d}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('tasks.problemType')}</span>
            <select name="problem_type" value={problemType} onChange={(e) => setProblemType(e.target.value)}>
              {PROBLEM_TYPES.map((p) => (
                <option key={p} value={p}>
                  {t(`problemTypes.${p}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="row">
          <label className="field">
            <span>{t('tasks.primaryMetric')}</span>
            <input name="primary_metric" className="mono" placeholder="f1" value={primary} onChange={(e) => setPrimary(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('tasks.metrics')}</span>
            <input
              name="metrics"
              className="mono"
              placeholder="precision, recall, roc_auc"
              value={metrics}
              onChange={(e) => setMetrics(e.target.value)}
            />
          </label>
        </div>
        <div className="field">
          <span>{t('tasks.criteria')}</span>
          <CriteriaInput value={criteria} onChange={setCriteria} onState={onState} />
        </div>
        <label className="field">
          <span>{t('tasks.description')}</span>
          <textarea name="description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <ErrorBox error={m.error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn primary" disabled={!name.trim() || blocked || m.isPending}>
            {t('common.create')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
