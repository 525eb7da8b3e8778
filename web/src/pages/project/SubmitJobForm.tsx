import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { listDatasets, listEnvironments, listExperiments, submitJob } from '../../api/endpoints';
import type { Job } from '../../api/types';
import { ErrorBox } from '../../components/Status';
import { ARGV_MODES, EMPTY_JOB_FORM, jobSubmission, parseArgv, quoteArgv, type ArgvMode, type JobForm, type Problem } from '../../lib/jobs';

/** The i18n text of a form problem, with where it is. */
function useProblemText() {
  const { t } = useTranslation();
  return (p: Problem) => {
    const what = t(p.key);
    if (p.line !== undefined) return t('jobs.problems.atLine', { line: p.line, problem: what });
    if (p.at !== undefined) return t('jobs.problems.atColumn', { column: p.at + 1, problem: what });
    return what;
  };
}

/**
 * Submits a command job. The command is typed as one shell-like line (quotes and backslashes as
 * in sh, no expansions) or one argument per line; the parsed argv is shown as it will be sent.
 * The form names its own syntax problems; everything else (an empty command, out-of-range
 * numbers) is the server's to judge, and its 400 message is shown as it says it.
 */
export function SubmitJobForm({
  project,
  onClose,
  onSubmitted,
  initial,
  title,
}: {
  project: string;
  onClose: () => void;
  onSubmitted: (job: Job) => void;
  /** A form filled from another job (clone: edit, then submit). */
  initial?: JobForm;
  title?: string;
}) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const [form, setForm] = useState<JobForm>(initial ?? EMPTY_JOB_FORM);
  // What the project has, offered as suggestions (the server checks what is sent).
  const experiments = useQuery({ queryKey: ['experiments', project], queryFn: () => listExperiments(project) }).data?.experiments ?? [];
  const environments = useQuery({ queryKey: ['environments', project], queryFn: () => listEnvironments(project) }).data?.environments ?? [];
  const datasets = useQuery({ queryKey: ['datasets', project], queryFn: () => listDatasets(project) }).data?.datasets ?? [];
  const [problem, setProblem] = useState<Problem | null>(null);
  const set = (k: keyof JobForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const argv = useMemo(() => parseArgv(form.command, form.mode), [form.command, form.mode]);
  const m = useMutation({
    mutationFn: (body: unknown) => submitJob(project, body),
    onSuccess: (r) => onSubmitted(r.job),
  });
  const switchMode = (mode: ArgvMode) => {
    if (mode === form.mode) return;
    // Carry the command over when it parses, so switching never changes what would run.
    const now = parseArgv(form.command, form.mode);
    const command = now.ok ? (mode === 'lines' ? now.value.join('\n') : quoteArgv(now.value)) : form.command;
    setForm((f) => ({ ...f, mode, command }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = jobSubmission(form);
    setProblem(r.ok ? null : r.problem);
    m.reset();
    if (r.ok) m.mutate(r.value);
  };
  return (
    <form className="card form" onSubmit={submit} data-testid="job-form">
      <h3>{title ?? t('jobs.submitTitle')}</h3>
      <label className="field">
        <span>{t('jobs.name')}</span>
        <input name="job-name" value={form.name} onChange={set('name')} placeholder={t('jobs.namePlaceholder')} />
      </label>
      <div className="field">
        <span className="row spread">
          <span>{t('jobs.command')}</span>
          <span className="segmented" role="group" aria-label={t('jobs.commandMode')}>
            {ARGV_MODES.map((mode) => (
              <button key={mode} type="button" className={form.mode === mode ? 'active' : ''} aria-pressed={form.mode === mode} onClick={() => switchMode(mode)}>
                {t(`jobs.modes.${mode}`)}
              </button>
            ))}
          </span>
        </span>
        <textarea
          name="job-command"
          className="mono"
          rows={form.mode === 'lines' ? 5 : 2}
          spellCheck={false}
          value={form.command}
          onChange={set('command')}
          placeholder={form.mode === 'lines' ? 'python3\ntrain.py\n--epochs\n3' : `python3 train.py --epochs 3 --note 'first try'`}
        />
        <small className="hint">{form.mode === 'lines' ? t('jobs.linesHint') : t('jobs.shellHint')}</small>
        {argv.ok && argv.value.length > 0 && (
          <div className="argv-preview" data-testid="argv-preview" aria-label={t('jobs.argvPreview')}>
            <span className="hint">{t('jobs.argvPreview')}</span>
            {argv.value.map((a, i) => (
              <code key={i} className="argv-chip" data-testid="argv-item">
                {a === '' ? '""' : a}
              </code>
            ))}
          </div>
        )}
        {!argv.ok && form.command && <small className="hint error">{problemText(argv.problem)}</small>}
      </div>
      <label className="field">
        <span>{t('jobs.env')}</span>
        <textarea name="job-env" className="mono" rows={2} spellCheck={false} value={form.env} onChange={set('env')} placeholder={'SEED=7\nDATA_DIR=/srv/data'} />
        <small className="hint">{t('jobs.envHint')}</small>
      </label>
      <div className="row">
        <label className="field">
          <span>{t('jobs.experiment')}</span>
          <input name="job-experiment" list="job-experiments" value={form.experiment} onChange={set('experiment')} placeholder={t('jobs.experimentPlaceholder')} />
          <datalist id="job-experiments">
            {experiments.map((x) => (
              <option key={x.experiment_id} value={x.name} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>{t('jobs.runName')}</span>
          <input name="job-run-name" value={form.runName} onChange={set('runName')} disabled={!form.experiment.trim()} />
        </label>
      </div>
      <label className="field">
        <span>{t('jobs.data')}</span>
        <textarea
          name="job-data"
          className="mono"
          rows={2}
          spellCheck={false}
          value={form.data}
          onChange={set('data')}
          placeholder={datasets.length ? `${datasets[0].name}@v1` : 'customers@v2'}
        />
        <small className="hint">{t('jobs.dataHint')}</small>
      </label>
      <div className="row">
        <label className="field">
          <span>{t('jobs.environment')}</span>
          <select name="job-environment" value={form.environment} onChange={set('environment')}>
            <option value="">{t('jobs.noEnvironment')}</option>
            {environments.map((e) => (
              <option key={e.name} value={e.name}>
                {e.name}
              </option>
            ))}
            {form.environment && !environments.some((e) => e.name === form.environment) && <option value={form.environment}>{form.environment}</option>}
          </select>
        </label>
        <NumberField name="job-environment-revision" label={t('jobs.environmentRevision')} value={form.environmentRevision} onChange={set('environmentRevision')} />
        <label className="field">
          <span>{t('jobs.code')}</span>
          <input name="job-code" className="mono" value={form.code} onChange={set('code')} placeholder={t('jobs.codePlaceholder')} />
        </label>
      </div>
      <div className="row">
        <NumberField name="job-priority" label={t('jobs.priority')} value={form.priority} onChange={set('priority')} />
        <NumberField name="job-cpus" label={t('jobs.cpus')} value={form.cpus} onChange={set('cpus')} step="0.5" />
        <NumberField name="job-memory" label={t('jobs.memoryMb')} value={form.memoryMb} onChange={set('memoryMb')} />
        <NumberField name="job-gpus" label={t('jobs.gpus')} value={form.gpus} onChange={set('gpus')} />
        <NumberField name="job-timeout" label={t('jobs.timeoutS')} value={form.timeoutS} onChange={set('timeoutS')} />
        <NumberField name="job-attempts" label={t('jobs.maxAttempts')} value={form.maxAttempts} onChange={set('maxAttempts')} />
        <NumberField name="job-workers" label={t('jobs.workers')} value={form.workers} onChange={set('workers')} />
      </div>
      <small className="hint">{t('jobs.numbersHint')}</small>
      <small className="hint">{t('jobs.workersHint')}</small>
      {problem && (
        <div className="error-box" role="alert" data-testid="job-problem">
          {problemText(problem)}
        </div>
      )}
      <div data-testid="job-error">
        <ErrorBox error={m.error} title={t('jobs.refused')} />
      </div>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn primary" disabled={m.isPending}>
          {t('jobs.submitButton')}
        </button>
      </div>
    </form>
  );
}

function NumberField(props: { name: string; label: string; value: string; onChange: (e: { target: { value: string } }) => void; step?: string }) {
  return (
    <label className="field narrow-num">
      <span>{props.label}</span>
      <input name={props.name} type="number" step={props.step ?? '1'} className="mono" value={props.value} onChange={props.onChange} />
    </label>
  );
}
