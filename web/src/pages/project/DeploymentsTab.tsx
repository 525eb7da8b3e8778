// A project's deployments (docs/design/serving.md): environment, routing strategy and the
// variants with their weights; each links to its deployment page. Holders of deploy.write create
// one from a registered version and delete one (after a confirmation).
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { deleteDeployment, listDeployments } from '../../api/endpoints';
import { useAuth } from '../../components/auth';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTimeShort } from '../../lib/format';
import { versionPath } from '../../lib/registry';
import { deploymentPath } from '../../lib/serving';
import { CreateDeploymentForm } from './CreateDeploymentForm';

export function DeploymentsTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { can } = useAuth();
  const qc = useQueryClient();
  const mayWrite = can('deploy.write', project);
  const [creating, setCreating] = useState(false);
  const q = useQuery({ queryKey: ['deployments', project], queryFn: () => listDeployments(project) });
  const deployments = q.data?.deployments ?? [];
  const remove = useMutation({
    mutationFn: (name: string) => deleteDeployment(name),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['deployments', project] }),
  });
  return (
    <section data-testid="deployments">
      <div className="section-head">
        <h2>{t('serving.title')}</h2>
        {mayWrite && (
          <button type="button" className="btn primary" data-testid="new-deployment" onClick={() => setCreating(true)}>
            {t('serving.create.open')}
          </button>
        )}
      </div>
      <p className="muted small">{t('serving.hint')}</p>
      {creating && <CreateDeploymentForm project={project} onClose={() => setCreating(false)} />}
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      <div data-testid="delete-deployment-error">
        <ErrorBox error={remove.error} />
      </div>
      {q.data && deployments.length === 0 && <Empty>{t('serving.empty')}</Empty>}
      {deployments.length > 0 && (
        <div className="table-scroll">
          <table className="table" data-testid="deployments-table">
            <thead>
              <tr>
                <th>{t('serving.name')}</th>
                <th>{t('serving.environment')}</th>
                <th>{t('serving.strategy')}</th>
                <th>{t('serving.variants')}</th>
                <th>{t('serving.updated')}</th>
                {mayWrite && <th aria-label={t('common.actions')} />}
              </tr>
            </thead>
            <tbody>
              {deployments.map((d) => (
                <tr key={d.id} data-deployment={d.name}>
                  <td>
                    <Link to={deploymentPath(d.name)}>{d.name}</Link>
                    {d.description && <div className="muted small">{d.description}</div>}
                  </td>
                  <td>
                    <span className="badge">{t(`serving.environments.${d.environment}`)}</span>
                  </td>
                  <td>{t(`serving.strategies.${d.strategy}`)}</td>
                  <td data-stat="variants">
                    {d.variants.map((v) => (
                      <div key={v.name} className="small" data-variant={v.name}>
                        <span className="mono">{v.name}</span>: <Link to={versionPath(v.model, v.version)}>{v.model} v{v.version}</Link>{' '}
                        <span className="mono" data-stat="weight">
                          {t('serving.weightOf', { weight: v.weight })}
                        </span>
                      </div>
                    ))}
                  </td>
                  <td className="small nowrap">{formatDateTimeShort(d.updated_at, locale)}</td>
                  {mayWrite && (
                    <td className="right">
                      <button
                        type="button"
                        className="btn small danger"
                        data-testid="delete-deployment"
                        disabled={remove.isPending}
                        onClick={() => {
                          if (window.confirm(t('serving.confirmDelete', { name: d.name }))) remove.mutate(d.name);
                        }}
                      >
                        {t('serving.delete')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
