import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Run } from '../../api/types';
import { shortId } from '../../lib/envcode';

/**
 * On a run page: the code snapshot and environment the run used (from its tags
 * moebius.code_snapshot, mlflow.source.git.commit, moebius.environment and revision), linked to
 * the project's Code and Environments tabs. Nothing when the run has neither.
 */
export function RunEnvCode({ run, project }: { run: Run; project?: string }) {
  const { t } = useTranslation();
  const tags = Object.fromEntries((run.data.tags ?? []).map((kv) => [kv.key, kv.value]));
  const snapshot = tags['moebius.code_snapshot'];
  const env = tags['moebius.environment'];
  if (!snapshot && !env) return null;
  const base = project ? `/projects/${encodeURIComponent(project)}` : null;
  return (
    <div className="card" data-testid="run-envcode">
      <h3>{t('code.runCard')}</h3>
      <dl className="kv">
        {snapshot && (
          <>
            <dt>{t('code.snapshot')}</dt>
            <dd className="mono">
              {base ? <Link to={`${base}?tab=code&snapshot=${snapshot}`}>{shortId(snapshot)}</Link> : shortId(snapshot)}
              {tags['mlflow.source.git.commit'] && (
                <span className="muted">
                  {' '}
                  git {tags['mlflow.source.git.commit'].slice(0, 12)}
                  {tags['mlflow.source.git.branch'] ? ` (${tags['mlflow.source.git.branch']})` : ''}
                  {tags['moebius.code_dirty'] === 'true' ? ` ${t('code.dirty')}` : ''}
                </span>
              )}
            </dd>
          </>
        )}
        {env && (
          <>
            <dt>{t('env.environment')}</dt>
            <dd>
              {base ? <Link to={`${base}?tab=environments`}>{env}</Link> : env}{' '}
              <span className="muted">{t('env.revisionN', { revision: tags['moebius.environment_revision'] ?? '?' })}</span>
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}
