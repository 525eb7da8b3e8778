// One deployment (docs/design/serving.md), read again every few seconds: its variants with the model
// versions they serve, their weights and counters, live rates, error rates and latency percentiles,
// a running canary or blue-green window, every change with who, when, why and the weights before and
// after; holders of deploy.write edit the traffic split, start canaries and switches, set capture,
// shadow and guardrails, and roll back; anyone who may read the project tries a prediction against
// it and reads its captured requests.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router-dom';
import { getDeployment } from '../../api/endpoints';
import { useAuth } from '../../components/auth';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTime } from '../../lib/format';
import { Tabs } from '../../components/Tabs';
import { useModelProject } from '../model/useModelProject';
import { CapturesTab } from './CapturesTab';
import { DeploymentHistory } from './DeploymentHistory';
import { InferenceTester } from './InferenceTester';
import { LiveMetrics } from './LiveMetrics';
import { StrategyStatus } from './StrategyStatus';
import { StrategyTab } from './StrategyTab';
import { VariantsTable } from './VariantsTable';
import { DEPLOYMENT_TABS, type DeploymentTab } from './tabs';
import { deploymentKey } from './useDeploymentChange';

/** How often the page reads the deployment again (its live figures and strategy state). */
const REFRESH_MS = 3000;

export default function DeploymentPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { can } = useAuth();
  const { deployment: name = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab: DeploymentTab = (DEPLOYMENT_TABS as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as DeploymentTab)
    : 'overview';
  const [windowS, setWindowS] = useState(60);
  const q = useQuery({
    queryKey: [...deploymentKey(name), windowS],
    queryFn: () => getDeployment(name, windowS),
    refetchInterval: REFRESH_MS,
  });
  const d = q.data?.deployment;
  const project = useModelProject(d?.project_id);
  const mayWrite = project !== undefined && can('deploy.write', project.name);
  return (
    <div className="page">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          ...(project
            ? [{ label: project.display_name || project.name, to: `/projects/${encodeURIComponent(project.name)}?tab=deployments` }]
            : []),
          { label: name },
        ]}
      />
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {d && (
        <>
          <div className="page-head">
            <div>
              <h1 data-testid="deployment-name">
                {d.name} <span className="badge">{t(`serving.environments.${d.environment}`)}</span>
              </h1>
              <div className="muted small">
                {t('serving.createdBy', { by: d.created_by, at: formatDateTime(d.created_at, locale) })} ·{' '}
                {t(`serving.strategies.${d.strategy}`)}
                {d.strategy === 'sticky' && d.sticky_header && <span className="mono"> ({d.sticky_header})</span>}
              </div>
              {d.description && <p className="muted">{d.description}</p>}
            </div>
          </div>
          <StrategyStatus deployment={d} mayWrite={mayWrite} />
          <Tabs
            tabs={DEPLOYMENT_TABS.map((id) => ({ id, label: t(`serving.tabs.${id}`) }))}
            active={tab}
            onChange={(id) => setParams({ tab: id }, { replace: true })}
          />
          {tab === 'overview' && (
            <>
              <VariantsTable deployment={d} mayWrite={mayWrite} />
              <LiveMetrics deployment={d} windowS={windowS} onWindow={setWindowS} />
              <InferenceTester deployment={d.name} />
              <DeploymentHistory history={d.history ?? []} />
            </>
          )}
          {tab === 'strategy' && <StrategyTab deployment={d} project={project?.name ?? ''} mayWrite={mayWrite} />}
          {tab === 'captures' && <CapturesTab deployment={d} mayWrite={mayWrite} />}
        </>
      )}
    </div>
  );
}
