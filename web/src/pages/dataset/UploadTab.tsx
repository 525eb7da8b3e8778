import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { completeUpload, createUpload, getUpload, putUploadPart } from '../../api/endpoints';
import type { DataRound } from '../../api/types';
import { ErrorBox } from '../../components/Status';
import { formatBytes } from '../../lib/format';
import { guessFormat, partSize, planParts, sendParts } from '../../lib/upload';

type Phase = 'idle' | 'sending' | 'failed' | 'processing' | 'rejected' | 'done';

interface Pending {
  id: string;
  partBytes: number;
}

const storageKey = (project: string, dataset: string, f: File) =>
  `moebius.upload:${project}/${dataset}:${f.name}:${f.size}:${f.lastModified}`;

function loadPending(key: string): Pending | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as Pending) : null;
  } catch {
    return null;
  }
}

function savePending(key: string, p: Pending | null) {
  try {
    if (p) localStorage.setItem(key, JSON.stringify(p));
    else localStorage.removeItem(key);
  } catch {
    // Without storage a reload starts over; resuming within the page still works.
  }
}

/**
 * Uploads one archive or file as a new round: parts of at most the server's max_part_bytes, a
 * progress bar, and Resume after a failure (asks which parts arrived and re-sends the rest).
 */
export function UploadTab({ project, dataset, onDone }: { project: string; dataset: string; onDone: (round: number) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<'archive' | 'file'>('archive');
  const [filename, setFilename] = useState('');
  const [note, setNote] = useState('');
  const [phase, setPhase] = useState<Phase>('idle');
  const [progress, setProgress] = useState({ sent: 0, total: 0 });
  const [error, setError] = useState<unknown>(null);
  const [round, setRound] = useState<DataRound | null>(null);
  const [dragging, setDragging] = useState(false);
  const pending = useRef<Pending | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const choose = (f: File | null) => {
    setFile(f);
    setPhase('idle');
    setError(null);
    setRound(null);
    setProgress({ sent: 0, total: f?.size ?? 0 });
    pending.current = null;
    if (f) {
      setFormat(guessFormat(f.name));
      setFilename(f.name);
    }
  };

  const run = async () => {
    if (!file) return;
    const key = storageKey(project, dataset, file);
    setError(null);
    setPhase('sending');
    try {
      let resume = false;
      pending.current = pending.current ?? loadPending(key);
      if (pending.current) {
        // The server may have dropped an old upload; start a new one then.
        try {
          await getUpload(project, dataset, pending.current.id);
          resume = true;
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 404)) throw e;
          pending.current = null;
        }
      }
      if (!pending.current) {
        const res = await createUpload(project, dataset);
        pending.current = { id: res.upload.id, partBytes: partSize(res.upload.max_part_bytes) };
        savePending(key, pending.current);
      }
      const { id, partBytes } = pending.current;
      const plan = planParts(file.size, partBytes);
      await sendParts(
        plan,
        {
          putPart: async (p) => {
            await putUploadPart(project, dataset, id, p.n, file.slice(p.start, p.end));
          },
          listParts: async () => (await getUpload(project, dataset, id)).upload.parts ?? [],
          onProgress: (sent, total) => setProgress({ sent, total }),
        },
        resume,
      );
    } catch (e) {
      setError(e);
      setPhase('failed');
      return;
    }
    setPhase('processing');
    try {
      const res = await completeUpload(project, dataset, pending.current!.id, {
        format,
        filename: format === 'file' ? filename.trim() || file.name : undefined,
        note: note.trim() || undefined,
      });
      savePending(key, null);
      pending.current = null;
      setRound(res.round);
      setPhase('done');
      await queryClient.invalidateQueries({ queryKey: ['dataset', project, dataset] });
      await queryClient.invalidateQueries({ queryKey: ['lineage', project, dataset] });
    } catch (e) {
      setError(e);
      // 4xx: the content is wrong (the parts stay; a different format can be tried). Other
      // failures can be retried as they are.
      setPhase(e instanceof ApiError && e.status >= 400 && e.status < 500 ? 'rejected' : 'failed');
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run();
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files?.[0];
    if (f) choose(f);
  };
  const busy = phase === 'sending' || phase === 'processing';
  const pct = progress.total > 0 ? Math.round((progress.sent / progress.total) * 100) : phase === 'done' ? 100 : 0;

  return (
    <form className="card form upload-form" onSubmit={submit} data-testid="upload-form">
      <h2>{t('upload.title')}</h2>
      <p className="muted small">{t('upload.hint')}</p>
      <div
        className={dragging ? 'dropzone dragging' : 'dropzone'}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        {file ? (
          <div>
            <strong className="mono">{file.name}</strong> <span className="muted">({formatBytes(file.size)})</span>
          </div>
        ) : null}
        <div>
          {t('upload.drop')}{' '}
          <label className="link-button">
            {t('upload.choose')}
            <input
              ref={inputRef}
              type="file"
              name="file"
              className="visually-hidden"
              disabled={busy}
              onChange={(e) => choose(e.target.files?.[0] ?? null)}
            />
          </label>
        </div>
      </div>
      <div className="row">
        <label className="field">
          <span>{t('upload.format')}</span>
          <select name="format" value={format} disabled={busy} onChange={(e) => setFormat(e.target.value as 'archive' | 'file')}>
            <option value="archive">{t('upload.formatArchive')}</option>
            <option value="file">{t('upload.formatFile')}</option>
          </select>
        </label>
        {format === 'file' && (
          <label className="field">
            <span>{t('upload.filename')}</span>
            <input name="filename" className="mono" value={filename} disabled={busy} onChange={(e) => setFilename(e.target.value)} />
          </label>
        )}
        <label className="field">
          <span>{t('upload.note')}</span>
          <input name="note" value={note} disabled={busy} onChange={(e) => setNote(e.target.value)} />
        </label>
      </div>
      {(phase !== 'idle' || progress.sent > 0) && (
        <div className="progress-wrap">
          <div
            className="progress"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
            aria-label={t('upload.progress', { sent: formatBytes(progress.sent), total: formatBytes(progress.total) })}
          >
            <div className={`progress-bar ${phase}`} style={{ width: `${pct}%` }} />
          </div>
          <span className="muted small">
            {t('upload.progress', { sent: formatBytes(progress.sent), total: formatBytes(progress.total) })} ({pct}%)
          </span>
        </div>
      )}
      {phase === 'processing' && <div className="muted small">{t('upload.processing')}</div>}
      {phase === 'failed' && (
        <div className="error-box" role="alert">
          {t('upload.failed', { message: error instanceof Error ? error.message : String(error) })}
        </div>
      )}
      {phase === 'rejected' && <ErrorBox error={error} title={t('upload.rejected')} />}
      {phase === 'done' && round && (
        <div className="notice" role="status" data-testid="upload-done">
          {t('upload.done', { number: round.number, items: round.items, size: formatBytes(round.bytes) })}{' '}
          <button type="button" className="link-button" onClick={() => onDone(round.number)}>
            {t('rounds.show')}
          </button>
        </div>
      )}
      <div className="form-actions">
        {phase === 'done' ? (
          <button
            type="button"
            className="btn"
            onClick={() => {
              choose(null);
              if (inputRef.current) inputRef.current.value = '';
            }}
          >
            {t('upload.reset')}
          </button>
        ) : (
          <button type="submit" className="btn primary" disabled={!file || busy}>
            {phase === 'failed' ? t('upload.resume') : t('upload.start')}
          </button>
        )}
      </div>
    </form>
  );
}
