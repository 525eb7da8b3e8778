import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { codeArchiveUrl, getCodeFile, getCodeSnapshot, listCodeRuns, listCodeSnapshots } from '../../api/endpoints';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { fileTree, originText, shortId, type TreeNode } from '../../lib/envcode';
import { formatBytes, formatDateTimeShort } from '../../lib/format';

/**
 * A project's code snapshots (PRJ-7): the list (newest first), and for the chosen snapshot its
 * file tree, a file viewer, the archive download and the runs that used it. Snapshots are pushed
 * with `moebius code push` or POST /api/v1/projects/{p}/code.
 */
export function CodeTab({ project, initial }: { project: string; initial?: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [open, setOpen] = useState<string | null>(initial ?? null);
  const q = useQuery({ queryKey: ['code', project], queryFn: () => listCodeSnapshots(project) });
  const snaps = q.data?.snapshots ?? [];
  return (
    <section data-testid="code">
      <div className="section-head">
        <h2>{t('code.title')}</h2>
      </div>
      <p className="muted small">{t('code.hint')}</p>
      <pre className="mono small">moebius code push . --project {project}</pre>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && snaps.length === 0 && <Empty>{t('code.empty')}</Empty>}
      {snaps.length > 0 && (
        <div className="table-scroll">
          <table className="table" data-testid="code-table">
            <thead>
              <tr>
                <th>{t('code.id')}</th>
                <th className="right">{t('code.files')}</th>
                <th className="right">{t('code.size')}</th>
                <th>{t('code.origin')}</th>
                <th>{t('code.message')}</th>
                <th>{t('code.pushedBy')}</th>
                <th>{t('code.pushed')}</th>
              </tr>
            </thead>
            <tbody>
              {snaps.map((s) => (
                <tr key={s.id} data-snapshot={s.id} className={open === s.id ? 'selected' : ''}>
                  <td className="mono">
                    <button type="button" className="link-button" onClick={() => setOpen(open === s.id ? null : s.id)}>
                      {shortId(s.id)}
                    </button>
                  </td>
                  <td className="right mono">{s.files}</td>
                  <td className="right mono small">{formatBytes(s.bytes)}</td>
                  <td className="mono small">{originText(s, t('code.dirty'))}</td>
                  <td>{s.message}</td>
                  <td>{s.created_by}</td>
                  <td className="small nowrap">{formatDateTimeShort(s.created_at, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && <SnapshotDetail project={project} id={open} />}
    </section>
  );
}

function SnapshotDetail({ project, id }: { project: string; id: string }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<string | null>(null);
  const q = useQuery({ queryKey: ['code-snapshot', project, id], queryFn: () => getCodeSnapshot(project, id) });
  const runs = useQuery({ queryKey: ['code-runs', project, id], queryFn: () => listCodeRuns(project, id) });
  const content = useQuery({
    queryKey: ['code-file', project, id, file],
    queryFn: () => getCodeFile(project, id, file!),
    enabled: file !== null,
  });
  const s = q.data?.snapshot;
  const tree = fileTree((q.data?.files ?? []).map((f) => f.path));
  return (
    <div className="card" data-testid="code-detail">
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {s && (
        <>
          <div className="section-head">
            <h3 className="mono">{s.id}</h3>
            <a className="btn" href={codeArchiveUrl(project, s.id)} download>
              {t('code.download')}
            </a>
          </div>
          <p className="small">
            {originText(s, t('code.dirty'))}
            {s.git_dirty && <span className="badge warn">{t('code.dirtyNote')}</span>}
          </p>
          <div className="split-view">
            <div className="file-tree" data-testid="code-tree">
              <Tree nodes={tree} selected={file} onSelect={setFile} />
            </div>
            <div className="file-view">
              {file === null && <p className="muted small">{t('code.pickFile')}</p>}
              {file !== null && (
                <>
                  <div className="mono small">{file}</div>
                  {content.isPending && <Loading />}
                  <ErrorBox error={content.error} />
                  {content.data !== undefined && (
                    <pre className="mono small code-view" data-testid="code-file">
                      {content.data}
                    </pre>
                  )}
                </>
              )}
            </div>
          </div>
          <h4>{t('code.runs')}</h4>
          <ErrorBox error={runs.error} />
          {runs.data && runs.data.runs.length === 0 && <p className="muted small">{t('code.noRuns')}</p>}
          {runs.data && runs.data.runs.length > 0 && (
            <ul data-testid="code-runs">
              {runs.data.runs.map((r) => (
                <li key={r.run_id}>
                  <Link to={`/runs/${r.run_id}`}>{r.run_name || r.run_id}</Link> <span className="muted small">{r.status}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

function Tree({ nodes, selected, onSelect }: { nodes: TreeNode[]; selected: string | null; onSelect: (p: string) => void }) {
  return (
    <ul className="tree">
      {nodes.map((n) =>
        n.children ? (
          <li key={n.path}>
            <span className="muted">{n.name}/</span>
            <Tree nodes={n.children} selected={selected} onSelect={onSelect} />
          </li>
        ) : (
          <li key={n.path}>
            <button type="button" className={`link-button mono${selected === n.path ? ' strong' : ''}`} data-file={n.path} onClick={() => onSelect(n.path)}>
              {n.name}
            </button>
          </li>
        ),
      )}
    </ul>
  );
}
