import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createVersion, type NewVersion } from '../../api/endpoints';
import type { DataRound, DataVersion } from '../../api/types';
import { DATA_STATUSES } from '../../components/DataStatusChip';
import { ErrorBox } from '../../components/Status';
import { RoundPicker } from './RoundPicker';

type Source = 'rounds' | 'version';
type LabelMode = 'none' | 'folders' | 'file';

export function labelsFormat(filename: string): 'csv' | 'jsonl' {
  return /\.jsonl?$/i.test(filename) ? 'jsonl' : 'csv';
}

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
  const [message, setMessage] = useState('');
  const m = useMutation({
    mutationFn: async () => {
      const body: NewVersion = { status };
      if (source === 'rounds') body.rounds = picked;
      else body.from_version = from;
      if (labelMode === 'folders') body.labels = { from: 'folders' };
      if (labelMode === 'file' && labelsFile) body.labels = { format: labelsFormat(labelsFile.name), content: await labelsFile.text() };
      if (message.trim()) body.message = message.trim();
      return createVersion(project, dataset, body);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['dataset', project, dataset] });
      await queryClient.invalidateQueries({ queryKey: ['lineage', project, dataset] });
      onDone();
    },
  });
  const ready =
    (source === 'rounds' ? picked.length > 0 : !!from) && (labelMode !== 'file' || !!labelsFile);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) m.mutate();
  };
  return (
    <form className="card form" onSubmit={submit} data-testid="version-form">
      <h2>{t('newVersion.title')}</h2>
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
      {source === 'rounds' ? (
        <div className="field">
          <span>{t('bundle.rounds')}</span>
          <RoundPicker rounds={rounds} value={picked} onChange={setPicked} />
          {picked.length === 0 && <small className="hint">{t('newVersion.pickRounds')}</small>}
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
      <div className="row">
        <label className="field">
          <span>{t('newVersion.status')}</span>
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
            {DATA_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`dataStatus.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('newVersion.labels')}</span>
          <select name="labels" value={labelMode} onChange={(e) => setLabelMode(e.target.value as LabelMode)}>
            <option value="none">{t('newVersion.labelsNone')}</option>
            <option value="folders">{t('newVersion.labelsFolders')}</option>
            <option value="file">{t('newVersion.labelsFile')}</option>
          </select>
        </label>
      </div>
      {labelMode === 'file' && (
        <label className="field">
          <span>{t('newVersion.labelsFile')}</span>
          <input type="file" name="labels_file" accept=".csv,.jsonl,.json,text/csv" onChange={(e) => setLabelsFile(e.target.files?.[0] ?? null)} />
          <small className="hint">{t('newVersion.labelsFileHint')}</small>
        </label>
      )}
      <label className="field">
        <span>{t('newVersion.message')}</span>
        <input name="message" value={message} onChange={(e) => setMessage(e.target.value)} />
      </label>
      <ErrorBox error={m.error} />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={!ready || m.isPending}>
          {t('newVersion.submit')}
        </button>
      </div>
    </form>
  );
}
