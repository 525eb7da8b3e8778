import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createStudy, listDatasets, listExperiments, listTrainers } from '../../api/endpoints';
import type { Study } from '../../api/types';
import { ErrorBox } from '../../components/Status';
import { ARGV_MODES } from '../../lib/jobs';
import { EMPTY_PARAM, EMPTY_STUDY_FORM, lastUsedExperiment, needsTextColumn, PARAM_TYPES, PRUNERS, SAMPLERS, STUDY_SOURCES, studySpec, TASKS, type ParamRow, type StudyForm } from '../../lib/study';

/**
 * Starts a study: the search space as rows (name, type, low/high/log or choices), the sampler,
 * pruner, number of trials and parallelism, the objective metric and goal, and the command each
 * trial runs ({name} in it is replaced by the parameter's value; each parameter is also in
 * MOEBIUS_PARAM_<NAME>). Or, AutoML by name: built-in trainers (GET /api/v1/trainers), each an
 * algorithm with its default space, trained on one data version (label, task). The server judges
 * ranges and options; its 400 is shown as it says it.
 */
export function NewStudyForm({ project, onClose, onCreated }: { project: string; onClose: () => void; onCreated: (s: Study) => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<StudyForm>(EMPTY_STUDY_FORM);
  const [problem, setProblem] = useState<{ key: string; line?: number } | null>(null);
  const exps = useQuery({ queryKey: ['experiments', project], queryFn: () => listExperiments(project) });
  const experiments = (exps.data?.experiments ?? []).filter((e) => e.lifecycle_stage !== 'deleted');
  // The experiment the project used last (its runs were created or updated last), as a default;
  // a new name creates the experiment, as `study create` and a job submission do.
  const [touchedExperiment, setTouchedExperiment] = useState(false);
  const experiment = touchedExperiment ? form.experiment : form.experiment || lastUsedExperiment(experiments)?.name || '';
  const trainers = useQuery({ queryKey: ['trainers'], queryFn: listTrainers, enabled: form.source === 'trainers' });
  const datasets = useQuery({ queryKey: ['datasets', project], queryFn: () => listDatasets(project), enabled: form.source === 'trainers' });
  const dataset = form.dataset || datasets.data?.datasets?.[0]?.name || '';
  const toggleTrainer = (name: string, on: boolean) =>
    setForm((f) => ({ ...f, trainers: on ? [...f.trainers.filter((x) => x !== name), name] : f.trainers.filter((x) => x !== name) }));
  const setSource = (source: StudyForm['source']) =>
    setForm((f) => ({ ...f, source, metric: source === 'trainers' && f.metric === 'loss' ? 'valid_score' : f.metric }));
  const m = useMutation({ mutationFn: (body: unknown) => createStudy(project, body), onSuccess: (r) => onCreated(r.study) });
  const set = <K extends keyof StudyForm>(k: K, v: StudyForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const setRow = (i: number, patch: Partial<ParamRow>) =>
    setForm((f) => ({ ...f, params: f.params.map((r, j) => (j === i ? { ...r, ...patch } : r)) }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = studySpec({ ...form, experiment, dataset }, trainers.data?.trainers ?? []);
    setProblem(r.ok ? null : r.problem);
    m.reset();
    if (r.ok) m.mutate(r.value);
  };
  const problemText = (p: { key: string; line?: number }) => {
    const what = t(p.key);
    return p.line !== undefined ? t('study.problems.atRow', { row: p.line, problem: what }) : what;
  };
  return (
    <form className="card form" onSubmit={submit} data-testid="study-form">
      <h3>{t('study.newTitle')}</h3>
      <div className="row">
        <label className="field">
          <span>{t('study.name')}</span>
          <input name="study-name" value={form.name} onChange={(e) => set('name', e.target.value)} />
        </label>
        <label className="field">
          <span>{t('study.experiment')}</span>
          <input
            name="study-experiment"
            list="study-experiments"
            value={experiment}
            onChange={(e) => {
              setTouchedExperiment(true);
              set('experiment', e.target.value);
            }}
          />
          <datalist id="study-experiments">
            {experiments.map((x) => (
              <option key={x.experiment_id} value={x.name} />
            ))}
          </datalist>
          {experiment && !experiments.some((x) => x.name === experiment) && <span className="muted small">{t('study.newExperiment')}</span>}
        </label>
      </div>
      <div className="field">
        <span>{t('study.source')}</span>
        <span className="segmented" role="group" aria-label={t('study.source')}>
          {STUDY_SOURCES.map((src) => (
            <button key={src} type="button" name={`study-source-${src}`} className={form.source === src ? 'active' : ''} aria-pressed={form.source === src} onClick={() => setSource(src)}>
              {t(`study.sources.${src}`)}
            </button>
          ))}
        </span>
      </div>
      <div className="row">
        <label className="field">
          <span>{t('study.metric')}</span>
          <input name="study-metric" className="mono" value={form.metric} onChange={(e) => set('metric', e.target.value)} />
        </label>
        <label className="field">
          <span>{t('study.goal')}</span>
          <select name="study-goal" value={form.goal} onChange={(e) => set('goal', e.target.value as StudyForm['goal'])}>
            <option value="minimize">{t('study.goals.minimize')}</option>
            <option value="maximize">{t('study.goals.maximize')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('study.sampler')}</span>
          <select name="study-sampler" value={form.sampler} onChange={(e) => set('sampler', e.target.value as StudyForm['sampler'])}>
            {SAMPLERS.map((s) => (
              <option key={s} value={s}>
                {t(`study.samplers.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('study.pruner')}</span>
          <select name="study-pruner" value={form.pruner} onChange={(e) => set('pruner', e.target.value as StudyForm['pruner'])}>
            {PRUNERS.map((s) => (
              <option key={s} value={s}>
                {t(`study.pruners.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field narrow-num">
          <span>{t('study.nTrials')}</span>
          <input name="study-trials" type="number" className="mono" value={form.nTrials} onChange={(e) => set('nTrials', e.target.value)} />
        </label>
        <label className="field narrow-num">
          <span>{t('study.parallelism')}</span>
          <input name="study-parallelism" type="number" className="mono" value={form.parallelism} onChange={(e) => set('parallelism', e.target.value)} />
        </label>
      </div>
      {form.source === 'trainers' ? (
        <fieldset className="field" data-testid="trainers-editor">
          <legend>{t('study.trainers')}</legend>
          <div className="row">
            {(trainers.data?.trainers ?? []).map((tr) => (
              <label key={tr.name} className="check" title={tr.description}>
                <input type="checkbox" name={`trainer-${tr.name}`} checked={form.trainers.includes(tr.name)} onChange={(e) => toggleTrainer(tr.name, e.target.checked)} />
                <span className="mono">{tr.name}</span> <small className="muted">{tr.description}</small>
              </label>
            ))}
          </div>
          <div className="row">
            <label className="field">
              <span>{t('study.dataset')}</span>
              <select name="study-dataset" value={dataset} onChange={(e) => set('dataset', e.target.value)}>
                {(datasets.data?.datasets ?? []).map((d) => (
                  <option key={d.name} value={d.name}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="field narrow-num">
              <span>{t('study.version')}</span>
              <input name="study-version" type="number" min={1} className="mono" value={form.version} onChange={(e) => set('version', e.target.value)} />
            </label>
            <label className="field">
              <span>{t('study.label')}</span>
              <input name="study-label" className="mono" value={form.label} onChange={(e) => set('label', e.target.value)} />
            </label>
            {needsTextColumn(form.trainers, trainers.data?.trainers ?? []) ? (
              <label className="field">
                <span>{t('study.text')}</span>
                <input name="study-text" className="mono" value={form.text} onChange={(e) => set('text', e.target.value)} />
              </label>
            ) : null}
            <label className="field">
              <span>{t('study.task')}</span>
              <select name="study-task" value={form.task} onChange={(e) => set('task', e.target.value as StudyForm['task'])}>
                {TASKS.map((k) => (
                  <option key={k} value={k}>
                    {t(`study.tasks.${k}`)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <small className="hint">{t('study.trainersHint')}</small>
        </fieldset>
      ) : (
        <>
      <fieldset className="field" data-testid="space-editor">
        <legend>{t('study.space')}</legend>
        <table className="table compact">
          <thead>
            <tr>
              <th>{t('study.paramName')}</th>
              <th>{t('study.paramType')}</th>
              <th>{t('study.low')}</th>
              <th>{t('study.high')}</th>
              <th>{t('study.log')}</th>
              <th>{t('study.choices')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {form.params.map((r, i) => (
              <tr key={i} data-param-row={i}>
                <td>
                  <input name={`param-name-${i}`} className="mono" value={r.name} onChange={(e) => setRow(i, { name: e.target.value })} />
                </td>
                <td>
                  <select name={`param-type-${i}`} value={r.type} onChange={(e) => setRow(i, { type: e.target.value as ParamRow['type'] })}>
                    {PARAM_TYPES.map((p) => (
                      <option key={p} value={p}>
                        {t(`study.types.${p}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input name={`param-low-${i}`} className="mono" size={8} disabled={r.type === 'categorical'} value={r.low} onChange={(e) => setRow(i, { low: e.target.value })} />
                </td>
                <td>
                  <input name={`param-high-${i}`} className="mono" size={8} disabled={r.type === 'categorical'} value={r.high} onChange={(e) => setRow(i, { high: e.target.value })} />
                </td>
                <td>
                  <input name={`param-log-${i}`} type="checkbox" disabled={r.type === 'categorical'} checked={r.log} onChange={(e) => setRow(i, { log: e.target.checked })} />
                </td>
                <td>
                  <input
                    name={`param-choices-${i}`}
                    className="mono"
                    disabled={r.type !== 'categorical'}
                    placeholder="a, b, c"
                    value={r.choices}
                    onChange={(e) => setRow(i, { choices: e.target.value })}
                  />
                </td>
                <td>
                  <button type="button" className="btn small" onClick={() => setForm((f) => ({ ...f, params: f.params.filter((_, j) => j !== i) }))}>
                    {t('study.removeParam')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="btn small" name="add-param" onClick={() => setForm((f) => ({ ...f, params: [...f.params, { ...EMPTY_PARAM }] }))}>
          {t('study.addParam')}
        </button>
      </fieldset>
      <div className="field">
        <span className="row spread">
          <span>{t('study.command')}</span>
          <span className="segmented" role="group" aria-label={t('jobs.commandMode')}>
            {ARGV_MODES.map((mode) => (
              <button key={mode} type="button" className={form.mode === mode ? 'active' : ''} aria-pressed={form.mode === mode} onClick={() => set('mode', mode)}>
                {t(`jobs.modes.${mode}`)}
              </button>
            ))}
          </span>
        </span>
        <textarea
          name="study-command"
          className="mono"
          rows={form.mode === 'lines' ? 5 : 2}
          spellCheck={false}
          value={form.command}
          onChange={(e) => set('command', e.target.value)}
          placeholder="python3 train.py --lr {lr} --depth {depth}"
        />
        <small className="hint">{t('study.commandHint')}</small>
      </div>
        </>
      )}
      {problem && (
        <div className="error-box" role="alert" data-testid="study-problem">
          {problem.key.startsWith('jobs.') ? t(problem.key) : problemText(problem)}
        </div>
      )}
      <div data-testid="study-error">
        <ErrorBox error={m.error} title={t('study.refused')} />
      </div>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn primary" disabled={m.isPending}>
          {t('study.start')}
        </button>
      </div>
    </form>
  );
}
