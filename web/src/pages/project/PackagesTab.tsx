// Confirmed model packages of a project (EVAL-6), each with its manifest.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { getPackage, listPackages, packageArchiveUrl } from '../../api/endpoints';
import { useAuth } from '../../components/auth';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatBytes, formatDateTime } from '../../lib/format';
import { RegisterModelForm } from '../model/RegisterModelForm';

export function PackagesTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { can } = useAuth();
  const mayRegister = can('model.register', project);
  const [open, setOpen] = useState<number | null>(null);
  const [registering, setRegistering] = useState<{ id: number; task: string } | null>(null);
  const q = useQuery({ queryKey: ['packages', project], queryFn: () => listPackages(project) });
  const pkgs = q.data?.packages ?? [];
  return (
    <section className="card">
      <h2>{t('report.packages')}</h2>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && pkgs.length === 0 && <Empty>{t('report.noPackages')}</Empty>}
      {pkgs.length > 0 && (
        <table className="table compact" data-testid="packages">
          <thead>
            <tr>
              <th>ID</th>
              <th>{t('report.task')}</th>
              <th>{t('report.run')}</th>
              <th>{t('report.criteriaCol')}</th>
              <th>{t('report.by')}</th>
              <th>{t('report.at')}</th>
              <th>{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {pkgs.map((p) => (
              <tr key={p.id}>
                <td>
                  <button type="button" className="link-button" onClick={() => setOpen(open === p.id ? null : p.id)}>
                    #{p.id}
                  </button>
                </td>
                <td>{p.task}</td>
                <td className="mono">
                  <Link to={`/runs/${encodeURIComponent(p.run_id)}`}>{p.run_id.slice(0, 12)}</Link>
                </td>
                <td className="mono">{p.criteria}</td>
                <td>{p.created_by}</td>
                <td>{formatDateTime(p.created_at, locale)}</td>
                <td className="nowrap">
                  <a href={packageArchiveUrl(p.id)} download>
                    {t('report.downloadPackage')}
                  </a>
                  {mayRegister && (
                    <>
                      {' · '}
                      <button
                        type="button"
                        className="link-button"
                        data-testid="register-package"
                        onClick={() => setRegistering({ id: p.id, task: p.task })}
                      >
                        {t('registry.register')}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open !== null && <ManifestView id={open} />}
      {registering && (
        <RegisterModelForm
          project={project}
          source={{ package_id: registering.id }}
          defaultName={registering.task}
          onClose={() => setRegistering(null)}
        />
      )}
    </section>
  );
}

function ManifestView({ id }: { id: number }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['package', id], queryFn: () => getPackage(id) });
  const m = q.data?.package.manifest;
  return (
    <div className="manifest" data-testid="manifest">
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {m && (
        <>
          <h3>{t('report.manifest', { id })}</h3>
          <table className="table compact">
            <thead>
              <tr>
                <th>{t('report.artifact')}</th>
                <th>{t('report.role')}</th>
                <th className="right">{t('report.size')}</th>
                <th>sha256</th>
              </tr>
            </thead>
            <tbody>
              {m.artifacts.map((a) => (
                <tr key={a.path}>
                  <td className="mono">{a.path}</td>
                  <td>{a.role}</td>
                  <td className="right">{formatBytes(a.size)}</td>
                  <td className="mono small">{a.sha256.slice(0, 16)}…</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="small">
            {t('report.lineage')}: {m.data_lineage.map((d) => d.ref).join(', ') || '—'} · {t('report.codeTags')}:{' '}
            {m.code.map((c) => `${c.key}=${c.value}`).join(', ') || '—'} · {t('report.environment')}: {m.environment ?? '—'}
          </p>
        </>
      )}
    </div>
  );
}
