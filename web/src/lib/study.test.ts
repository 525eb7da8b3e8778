import { describe, expect, it } from 'vitest';
import { bestTrial, EMPTY_STUDY_FORM, formatParam, lastUsedExperiment, needsTextColumn, paramTick, parseChoice, rangeFormatter, studySpec, type StudyForm } from './study';
import type { StudyTrial } from '../api/types';

const form = (over: Partial<StudyForm> = {}): StudyForm => ({
  ...EMPTY_STUDY_FORM,
  name: 's1',
  experiment: 'exp',
  command: "python3 train.py --x {x}",
  params: [
    { name: 'x', type: 'float', low: '0.001', high: '1', log: true, choices: '' },
    { name: 'kind', type: 'categorical', low: '', high: '', log: false, choices: 'a, b, 3, true' },
  ],
  ...over,
});

describe('studySpec', () => {
  it('builds the API body from the form', () => {
    const r = studySpec(form());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual({
      name: 's1',
      experiment: 'exp',
      objective: { metric: 'loss', goal: 'minimize' },
      space: {
        params: [
          { name: 'x', type: 'float', low: 0.001, high: 1, log: true },
          { name: 'kind', type: 'categorical', choices: ['a', 'b', 3, true] },
        ],
      },
      pruner: { type: 'none' },
      n_trials: 10,
      parallelism: 2,
      trial: { command: ['python3', 'train.py', '--x', '{x}'] },
    });
  });

  it('leaves the sampler to the server by default', () => {
    expect(EMPTY_STUDY_FORM.sampler).toBe('default');
    expect(studySpec(form({ sampler: 'default' }))).toMatchObject({ ok: true });
    const r = studySpec(form({ sampler: 'default' }));
    expect(r.ok && r.value).not.toHaveProperty('sampler');
    expect(studySpec(form({ sampler: 'tpe' }))).toMatchObject({ ok: true, value: { sampler: { type: 'tpe' } } });
  });

  it('sends the chosen sampler type, the TPE-then-CMA-ES hybrid included', () => {
    const r = studySpec(form({ sampler: 'tpe_cmaes' }));
    expect(r.ok && r.value.sampler).toEqual({ type: 'tpe_cmaes' });
  });

  it('names the row of a bad parameter', () => {
    const r = studySpec(form({ params: [{ name: 'x', type: 'int', low: 'a', high: '3', log: false, choices: '' }] }));
    expect(r).toEqual({ ok: false, problem: { key: 'study.problems.bounds', line: 1 } });
    const c = studySpec(form({ params: [{ name: 'x', type: 'float', low: '0', high: '1', log: false, choices: '' }, { name: 'c', type: 'categorical', low: '', high: '', log: false, choices: ' , ' }] }));
    expect(c).toEqual({ ok: false, problem: { key: 'study.problems.choices', line: 2 } });
  });

  it('needs a name, an experiment, a metric and a command', () => {
    expect(studySpec(form({ name: ' ' }))).toMatchObject({ ok: false, problem: { key: 'study.problems.name' } });
    expect(studySpec(form({ experiment: '' }))).toMatchObject({ ok: false, problem: { key: 'study.problems.experiment' } });
    expect(studySpec(form({ metric: '' }))).toMatchObject({ ok: false, problem: { key: 'study.problems.metric' } });
    expect(studySpec(form({ command: '' }))).toMatchObject({ ok: false, problem: { key: 'study.problems.command' } });
    expect(studySpec(form({ params: [] }))).toMatchObject({ ok: false, problem: { key: 'study.problems.noParams' } });
  });

  it('turns built-in trainers into AutoML algorithms over one data version', () => {
    const f = form({ source: 'trainers', trainers: ['xgboost', 'xgboost_rf'], dataset: 'churn', version: '2', label: 'y', task: 'multiclass', metric: 'valid_score' });
    const r = studySpec(f);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.algorithms).toEqual([
      { name: 'xgboost', trainer: 'xgboost', args: { label: 'y', task: 'multiclass' } },
      { name: 'xgboost_rf', trainer: 'xgboost_rf', args: { label: 'y', task: 'multiclass' } },
    ]);
    expect(r.value.trial).toEqual({ data: [{ dataset: 'churn', version: 2 }] });
    // With the server's list, each trainer gets the args it takes: an image trainer's label is a meta key.
    const listed = [
      { name: 'xgboost', description: '', space: [], args: ['data', 'label', 'task'] },
      { name: 'image', description: '', space: [], args: ['data', 'label_key', 'epochs'] },
    ];
    const withImage = studySpec({ ...f, trainers: ['xgboost', 'image'] }, listed);
    expect(withImage.ok && withImage.value.algorithms).toEqual([
      { name: 'xgboost', trainer: 'xgboost', args: { label: 'y', task: 'multiclass' } },
      { name: 'image', trainer: 'image', args: { label_key: 'y' } },
    ]);
    // The text trainer takes the text column, which must then be named.
    const withText = [...listed, { name: 'text', description: '', space: [], args: ['data', 'text', 'label'] }];
    expect(studySpec({ ...f, trainers: ['text'] }, withText)).toMatchObject({ ok: false, problem: { key: 'study.problems.text' } });
    const text = studySpec({ ...f, trainers: ['xgboost', 'text'], text: ' review ' }, withText);
    expect(text.ok && text.value.algorithms).toEqual([
      { name: 'xgboost', trainer: 'xgboost', args: { label: 'y', task: 'multiclass' } },
      { name: 'text', trainer: 'text', args: { label: 'y', text: 'review' } },
    ]);
    expect(needsTextColumn(['xgboost'], withText)).toBe(false);
    expect(needsTextColumn(['xgboost', 'text'], withText)).toBe(true);
    expect(r.value).not.toHaveProperty('space');
    expect(studySpec({ ...f, trainers: [] })).toMatchObject({ ok: false, problem: { key: 'study.problems.trainers' } });
    expect(studySpec({ ...f, dataset: '' })).toMatchObject({ ok: false, problem: { key: 'study.problems.dataset' } });
    expect(studySpec({ ...f, version: '0' })).toMatchObject({ ok: false, problem: { key: 'study.problems.version' } });
    expect(studySpec({ ...f, label: ' ' })).toMatchObject({ ok: false, problem: { key: 'study.problems.label' } });
  });

  it('leaves range checks to the server', () => {
    const r = studySpec(form({ params: [{ name: 'x', type: 'float', low: '2', high: '1', log: false, choices: '' }] }));
    expect(r.ok).toBe(true);
  });
});

describe('helpers', () => {
  const t = (number: number, state: string, value: number | null): StudyTrial => ({
    number, state, value, params: {}, intermediate: [], run_id: `r${number}`, job_id: number, error: '', created_at: 0, finished_at: 0,
  });
  it('finds the best complete trial in the study direction', () => {
    const trials = [t(0, 'complete', 3), t(1, 'pruned', 0.1), t(2, 'complete', 1), t(3, 'running', null)];
    expect(bestTrial(trials, 'minimize')?.number).toBe(2);
    expect(bestTrial(trials, 'maximize')?.number).toBe(0);
    expect(bestTrial([t(0, 'failed', null)], 'minimize')).toBeNull();
  });
  it('parses choices and formats params', () => {
    expect(parseChoice(' 2.5 ')).toBe(2.5);
    expect(parseChoice('false')).toBe(false);
    expect(parseChoice('gbtree')).toBe('gbtree');
    expect(formatParam(0.123456789)).toBe('0.123457');
    expect(formatParam(4)).toBe('4');
    expect(formatParam('a')).toBe('a');
  });
});

describe('plot labels (issue 17)', () => {
  it('gives a colour bar over 0.31–0.40 ends that differ, never "0" at both', () => {
    const f = rangeFormatter(0.31, 0.4);
    expect(f(0.31)).toBe('0.31');
    expect(f(0.4)).toBe('0.4');
    expect(f(0.3555)).toBe('0.3555');
    expect(f(0.31)).not.toBe(f(0.4));
  });
  it('keeps whole numbers short and tiny or huge ones readable', () => {
    expect(rangeFormatter(5, 15)(7.5)).toBe('7.5');
    expect(rangeFormatter(5, 15)(10)).toBe('10');
    expect(rangeFormatter(0, 1000)(250)).toBe('250');
    expect(rangeFormatter(1e-6, 3e-6)(2e-6)).toBe('2.00e-6');
    expect(rangeFormatter(0.5, 0.5)(0.5)).toBe('0.5');
  });
  it('labels an int parameter only at whole numbers', () => {
    const fmt = rangeFormatter(2, 20);
    expect(paramTick('int', 10, fmt)).toBe('10');
    expect(paramTick('int', 9.65, fmt)).toBe('');
    expect(paramTick('float', 9.65, rangeFormatter(9, 10))).toBe('9.65');
  });
});

describe('the new-study form default (issue 17)', () => {
  it('picks the experiment used last', () => {
    const e = (name: string, last: number, created = 0) => ({ name, last_update_time: last, creation_time: created });
    expect(lastUsedExperiment([e('Default', 1), e('churn', 9), e('old', 3)])?.name).toBe('churn');
    expect(lastUsedExperiment([e('a', 5, 1), e('b', 5, 2)])?.name).toBe('b');
    expect(lastUsedExperiment([])).toBeUndefined();
  });
});
