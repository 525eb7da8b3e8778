import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createBundle, type NewBundle } from '../../api/endpoints';
import type { DataRound } from '../../api/types';
import { Empty, ErrorBox } from '../../components/Status';
import { RoundPicker } from './RoundPicker';

export function BundleTab({
  project,
  dataset,
  rounds,
  onDone,
}: {
  project: string;
  dataset: string;
  rounds: DataRound[];
  onDone: (round: number) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [picked, setPicked] = useState<number[]>([]);
  const [prefix, setPrefix] = useState('');
  const [label, setLabel] = useState('');
  const [sampleSize, setSampleSize] = useState('');
  const [fraction, setFraction] = useState('');
  const [seed, setSeed] = useState('');
  const [note, setNote] = useState('');
  const m = useMutation({
    mutationFn: () => {
      const body: NewBundle = { rounds: picked };
      if (prefix.trim()) body.path_prefix = prefix.trim();
      if (label.trim()) body.label = label.trim();
      if (sampleSize.trim()) body.sample_size = Number(sampleSize);
      if (fraction.trim()) body.sample_fraction = Number(fraction);
      if (seed.trim()) body.seed = Number(seed);
      if (note.trim()) body.note = note.trim();
      return createBundle(project, dataset, body);
    },
    onSuccess: async (res) => {
      await queryClient.invalidateQueries({ queryKey: ['dataset', project, dataset] });
      await queryClient.invalidateQueries({ queryKey: ['lineage', project, dataset] });
      onDone(res.round.number);
    },
  });
  if (rounds.length === 0) return <Empty>{t('rounds.empty')}</Empty>;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (picked.length) m.mutate();
  };
  return (
    <form className="card form" onSubmit={submit} data-testid="bundle-form">
      <h2>{t('bundle.title')}</h2>
      <p className="muted small">{t('bundle.hint')}</p>
      <div className="field">
        <span>{t('bundle.rounds')}</span>
        <RoundPicker rounds={rounds} value={picked} onChange={setPicked} />
        {picked.length === 0 && <small className="hint">{t('bundle.pickRounds')}</small>}
      </div>
      <div className="row">
        <label className="field">
          <span>{t('bundle.pathPrefix')}</span>
          <input name="path_prefix" className="mono" value={prefix} onChange={(e) => setPrefix(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('bundle.label')}</span>
          <input name="label" value={label} onChange={(e) => setLabel(e.target.value)} />
        </label>
      </div>
      <div className="row">
        <label className="field">
          <span>{t('bundle.sampleSize')}</span>
          <input name="sample_size" type="number" min={1} step={1} value={sampleSize} onChange={(e) => setSampleSize(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('bundle.sampleFraction')}</span>
          <input name="sample_fraction" type="number" min={0} max={1} step="any" value={fraction} onChange={(e) => setFraction(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('bundle.seed')}</span>
          <input name="seed" type="number" min={0} step={1} value={seed} onChange={(e) => setSeed(e.target.value)} />
        </label>
      </div>
      <label className="field">
        <span>{t('bundle.note')}</span>
        <input name="note" value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <ErrorBox error={m.error} />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={!picked.length || m.isPending}>
          {t('bundle.submit')}
        </button>
      </div>
    </form>
  );
}
