import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createVersion, type NewVersion } from '../../api/endpoints';
import type { DataRound, DataVersion } from '../../api/types';
import { DATA_STATUSES } from '../../components/DataStatusChip';
import { ErrorBox } from '../../components/Status';
import { buildVersionBody, REFINE_OPS, SPLIT_METHODS, type SplitForm, type SplitMethod } from '../../lib/versionSpec';
import { RoundPicker } from './RoundPicker';

type Source = 'rounds' | 'version';
type LabelMode = 'none' | 'folders' | 'file';

export function labelsFormat(filename: string): 'csv' | 'jsonl' {
  return /\.jsonl?$/i.test(filename) ? 'jsonl' : 'csv';
}

/**
 * A new version from rounds or from an earlier version, with its status (raw → refined →
 * labeled → split), labels from folder names or a CSV/JSONL file, refinement operations for a
 * refined version and a split spec for a split version.
 */
export function NewVersionTab({
  project,
  dataset,
  rounds,
  versions,
  onDone,
}: {
  project: string;
  dataset: string;
  rounds: DataRound[];
  versions: DataVersion[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const sortedVersions = [...versions].sort((a, b) => b.number - a.number);
  const [source, setSource] = useState<Source>('rounds');
  const [picked, setPicked] = useState<number[]>([]);
  const [from, setFrom] = useState(sortedVersions[0]?.name ?? '');
  const [status, setStatus] = useState<string>('raw');
  const [labelMode, setLabelMode] = useState<LabelMode>('none');
  const [labelsFile, setLabelsFile] = useState<File | null>(null);
  const [operations, setOperations] = useState('[\n  {"op": "drop_duplicate_items"}\n]');
  const [split, setSplit] = useState<SplitForm>({
    method: 'random',
    train: '0.8',
    val: '0.1',
    test: '0.1',
    folds: '5',
    seed: '0',
    groupBy: 'folder',
    timeKey: '',
    label: '',
    unit: '',
  });
  const [message, setMessage] = useState('');
  const setSplitField = (k: keyof SplitForm, v: string) => setSplit((s) => ({ ...s, [k]: v }));

  const labels: NewVersion['labels'] = labelMode === 'folders' ? { from: 'folders' } : undefined;
  const built = buildVersionBody({ status, source, rounds: picked, fromVersion: from, labels, operations, split, message });
  const labelsMissing = labelMode === 'file' && !labelsFile;
  const m = useMutation({
    mutationFn: async () => {
      if (!('body' in built)) throw new Error(t(built.problem.key, built.problem.values));
      const body = { ...built.body };
      if (labelMode === 'file' && labelsFile) body.labels = { format: labelsFormat(labelsFile.name), content: await labelsFile.text() };
      return createVersion(project, dataset, body);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['dataset', project, dataset] });
      await queryClient.invalidateQueries({ queryKey: ['lineage', project, dataset] });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if ('body' in built && !labelsMissing) m.mutate();
  };
  const chooseStatus = (s: string) => {
    setStatus(s);
    if (s === 'split' && versions.length > 0) setSource('version');
  };

  return (
    <form className="card form" onSubmit={submit} data-testid="version-form">
      <h2>{t('newVersion.title')}</h2>
      <div className="row">
        <label className="field">
          <span>{t('newVersion.status')}</span>
          <select name="status" value={status} onChange={(e) => chooseStatus(e.target.value)}>
            {DATA_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`dataStatus.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <div className="field">
          <span>{t('newVersion.source')}</span>
          <div className="segmented" role="group" aria-label={t('newVersion.source')}>
            {(['rounds', 'version'] as const).map((s) => (
              <button
                key={s}
                type="button"
                className={source === s ? 'active' : ''}
                aria-pressed={source === s}
                disabled={s === 'version' && versions.length === 0}
                onClick={() => setSource(s)}
              >
                {s === 'rounds' ? t('newVersion.fromRounds') : t('newVersion.fromVersion')}
              </button>
            ))}
          </div>
        </div>
      </div>
      {source === 'rounds' ? (
        <div className="field">
          <span>{t('bundle.rounds')}</span>
          <RoundPicker rounds={rounds} value={picked} onChange={setPicked} />
        </div>
      ) : (
        <label className="field">
          <span>{t('newVersion.fromVersion')}</span>
          <select name="from_version" value={from} onChange={(e) => setFrom(e.target.value)}>
            {sortedVersions.map((v) => (
              <option key={v.number} value={v.name}>
                {v.name} · {t(`dataStatus.${v.status}`, { defaultValue: v.status })}
              </option>
            ))}
          </select>
        </label>
      )}
      {status === 'refined' && (
        <label className="field">
          <span>{t('newVersion.operations')}</span>
          <textarea
            name="operations"
            className="mono"
            rows={4}
            spellCheck={false}
            value={operations}
            onChange={(e) => setOperations(e.target.value)}
          />
          <small className="hint">{t('newVersion.operationsHint', { ops: REFINE_OPS.join(', ') })}</small>
        </label>
      )}
      {status === 'split' && (
        <fieldset className="fieldset">
          <legend>{t('newVersion.split')}</legend>
          <div className="row">
            <label className="field">
              <span>{t('newVersion.method')}</span>
              <select name="split_method" value={split.method} onChange={(e) => setSplitField('method', e.target.value as SplitMethod)}>
                {SPLIT_METHODS.map((m) => (
                  <option key={m} value={m}>
                    {t(`newVersion.methods.${m}`)}
                  </option>
                ))}
              </select>
            </label>
            {split.method === 'kfold' ? (
              <label className="field">
                <span>{t('newVersion.folds')}</span>
                <input name="folds" type="number" min={2} step={1} value={split.folds} onChange={(e) => setSplitField('folds', e.target.value)} />
              </label>
            ) : (
              (['train', 'val', 'test'] as const).map((k) => (
                <label key={k} className="field">
                  <span>{t(`newVersion.${k}`)}</span>
                  <input name={`ratio_${k}`} type="number" min={0} max={1} step="any" value={split[k]} onChange={(e) => setSplitField(k, e.target.value)} />
                </label>
              ))
            )}
            <label className="field">
              <span>{t('newVersion.seed')}</span>
              <input name="split_seed" type="number" min={0} step={1} value={split.seed} onChange={(e) => setSplitField('seed', e.target.value)} />
            </label>
          </div>
          {split.method === 'group' && (
            <label className="field">
              <span>{t('newVersion.groupBy')}</span>
              <input name="group_by" value={split.groupBy} onChange={(e) => setSplitField('groupBy', e.target.value)} />
            </label>
          )}
          {(split.method === 'stratified' || split.method === 'kfold') && (
            <label className="field">
              <span>{t('newVersion.labelKey')}</span>
              <input name="split_label" value={split.label ?? ''} placeholder="label" onChange={(e) => setSplitField('label', e.target.value)} />
            </label>
          )}
          <label className="field">
            <span>{t('newVersion.unit')}</span>
            <select name="split_unit" value={split.unit ?? ''} onChange={(e) => setSplitField('unit', e.target.value)}>
              {(['', 'rows', 'items'] as const).map((u) => (
                <option key={u} value={u}>
                  {t(`newVersion.units.${u || 'default'}`)}
                </option>
              ))}
            </select>
          </label>
          {split.method === 'time' && (
            <label className="field">
              <span>{t('newVersion.timeKey')}</span>
              <input name="time_key" value={split.timeKey} onChange={(e) => setSplitField('timeKey', e.target.value)} />
            </label>
          )}
          {split.method !== 'kfold' && <small className="hint">{t('newVersion.ratiosHint')}</small>}
        </fieldset>
      )}
      <div className="row">
        <label className="field">
          <span>{t('newVersion.labels')}</span>
          <select name="labels" value={labelMode} onChange={(e) => setLabelMode(e.target.value as LabelMode)}>
            <option value="none">{t('newVersion.labelsNone')}</option>
            <option value="folders">{t('newVersion.labelsFolders')}</option>
            <option value="file">{t('newVersion.labelsFile')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('newVersion.message')}</span>
          <input name="message" value={message} onChange={(e) => setMessage(e.target.value)} />
        </label>
      </div>
      {labelMode === 'file' && (
        <label className="field">
          <span>{t('newVersion.labelsFile')}</span>
          <input type="file" name="labels_file" accept=".csv,.jsonl,.json,text/csv" onChange={(e) => setLabelsFile(e.target.files?.[0] ?? null)} />
          <small className="hint">{t('newVersion.labelsFileHint')}</small>
        </label>
      )}
      {'problem' in built && <small className="hint error">{t(built.problem.key, built.problem.values)}</small>}
      <ErrorBox error={m.error} />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={!('body' in built) || labelsMissing || m.isPending}>
          {t('newVersion.submit')}
        </button>
      </div>
    </form>
  );
}
