// A run's artifacts: a folder browser, and a preview of the chosen file (issue 17, item 7) —
// text, JSON, the first rows of a CSV, images and the model's signature — beside its download.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { artifactContentUrl, getArtifactText, listArtifacts } from '../../api/endpoints';
import type { ArtifactFile } from '../../api/types';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { csvHead, CSV_PREVIEW_ROWS, prettyJson, previewKind, signatureRows } from '../../lib/artifactPreview';
import { formatBytes } from '../../lib/format';

const base = (p: string) => p.split('/').filter(Boolean).pop() ?? p;
const SIG_LABEL = { input: 'run.sigInput', feature: 'run.sigFeature', output: 'run.sigOutput' } as const;

export function ArtifactsCard({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const [path, setPath] = useState('');
  const [open, setOpen] = useState<ArtifactFile | null>(null);
  const q = useQuery({ queryKey: ['artifacts', runId, path], queryFn: () => listArtifacts(runId, path || undefined) });
  const files = [...(q.data?.files ?? [])].sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || a.path.localeCompare(b.path));
  const parts = path ? path.split('/') : [];
  return (
    <section className="card" data-testid="run-artifacts">
      <h2>{t('run.artifacts')}</h2>
      <div className="artifact-path small">
        <button type="button" className="link-button" onClick={() => setPath('')}>
          {t('run.artifactRoot')}
        </button>
        {parts.map((p, i) => (
          <span key={i}>
            <span className="sep">/</span>
            <button type="button" className="link-button" onClick={() => setPath(parts.slice(0, i + 1).join('/'))}>
              {p}
            </button>
          </span>
        ))}
      </div>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && files.length === 0 && <Empty>{t('run.noArtifacts')}</Empty>}
      {files.length > 0 && (
        <table className="table compact">
          <thead>
            <tr>
              <th>{t('run.fileName')}</th>
              <th className="right">{t('run.fileSize')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {files.map((f) => (
              <tr key={f.path} data-artifact={f.path} className={open?.path === f.path ? 'selected' : undefined}>
                <td>
                  {f.is_dir ? (
                    <button type="button" className="link-button" onClick={() => setPath(f.path)}>
                      <FileIcon dir /> {base(f.path)}/
                    </button>
                  ) : previewKind(f.path, f.file_size) !== 'none' ? (
                    <button type="button" className="link-button" data-testid="artifact-open" onClick={() => setOpen(f)}>
                      <FileIcon /> {base(f.path)}
                    </button>
                  ) : (
                    <span>
                      <FileIcon /> {base(f.path)}
                    </span>
                  )}
                </td>
                <td className="right">{f.is_dir ? '' : formatBytes(f.file_size)}</td>
                <td className="right">
                  {!f.is_dir && (
                    <a href={artifactContentUrl(runId, f.path)} download={base(f.path)}>
                      {t('run.download')}
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <ArtifactPreview runId={runId} file={open} onClose={() => setOpen(null)} />}
    </section>
  );
}

function ArtifactPreview({ runId, file, onClose }: { runId: string; file: ArtifactFile; onClose: () => void }) {
  const { t } = useTranslation();
  const kind = previewKind(file.path, file.file_size);
  const text = useQuery({
    queryKey: ['artifact-text', runId, file.path],
    queryFn: ({ signal }) => getArtifactText(runId, file.path, signal),
    enabled: kind !== 'image' && kind !== 'none',
    staleTime: 60_000,
  });
  return (
    <div className="artifact-preview" data-testid="artifact-preview" data-kind={kind} data-path={file.path}>
      <div className="section-head">
        <h3 className="mono small">{file.path}</h3>
        <button type="button" className="link-button" onClick={onClose}>
          {t('run.closePreview')}
        </button>
      </div>
      {kind === 'image' && <img className="artifact-image" src={artifactContentUrl(runId, file.path)} alt={file.path} />}
      {kind === 'none' && <p className="muted">{t('run.noPreview')}</p>}
      {text.isPending && kind !== 'image' && kind !== 'none' && <Loading />}
      <ErrorBox error={text.error} />
      {text.data !== undefined && kind === 'text' && <pre className="artifact-text">{text.data}</pre>}
      {text.data !== undefined && kind === 'json' && <pre className="artifact-text">{prettyJson(text.data)}</pre>}
      {text.data !== undefined && kind === 'csv' && <CsvPreview text={text.data} />}
      {text.data !== undefined && kind === 'signature' && <SignaturePreview text={text.data} />}
    </div>
  );
}

function CsvPreview({ text }: { text: string }) {
  const { t } = useTranslation();
  const h = csvHead(text);
  return (
    <>
      <div className="table-scroll">
        <table className="table compact" data-testid="artifact-csv">
          <thead>
            <tr>
              {h.header.map((c, i) => (
                <th key={i}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {h.rows.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) => (
                  <td key={j} className="mono">
                    {c}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {h.more && <p className="muted small">{t('run.csvMore', { rows: CSV_PREVIEW_ROWS })}</p>}
    </>
  );
}

function SignaturePreview({ text }: { text: string }) {
  const { t } = useTranslation();
  const rows = signatureRows(text);
  if (rows.length === 0) return <pre className="artifact-text">{prettyJson(text)}</pre>;
  return (
    <table className="table compact" data-testid="artifact-signature">
      <caption className="small muted">{t('run.signature')}</caption>
      <thead>
        <tr>
          <th>{t('run.sigSection')}</th>
          <th>{t('run.sigName')}</th>
          <th>{t('run.sigType')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i} data-section={r.section}>
            <td>{t(SIG_LABEL[r.section])}</td>
            <td className="mono">{r.name}</td>
            <td className="mono">{r.type}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FileIcon({ dir }: { dir?: boolean }) {
  return (
    <svg className="file-icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
      {dir ? (
        <path d="M1.5 3.5h4l1.5 1.5h7.5v8.5h-13z" fill="#f5c451" stroke="#c99a2e" />
      ) : (
        <path d="M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3" fill="#fff" stroke="#8a94a6" />
      )}
    </svg>
  );
}
