import { useMemo, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { submitJob } from '../../api/endpoints';
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
export function SubmitJobForm({ project, onClose, onSubmitted }: { project: string; onClose: () => void; onSubmitted: (job: Job) => void }) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const [form, setForm] = useState<JobForm>(EMPTY_JOB_FORM);
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
      <h3>{t('jobs.submitTitle')}</h3>
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
