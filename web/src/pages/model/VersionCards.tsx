// The parts of a model version that its page and an approval request's evidence both show:
// the signature, the files with roles and hashes, and the lineage (run, experiment, data versions,
// the confirmed package with its criteria clause by clause, code, environment, run metrics).
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { CriteriaCheck, ModelVersion, TensorSpec, VersionLineage } from '../../api/types';
import { Empty } from '../../components/Status';
import { MissingMetrics } from '../../components/MissingMetrics';
import { useLocale } from '../../components/useLocale';
import { formatBytes, formatDateTime, formatNumber } from '../../lib/format';
import { dataVersionPath, formatShape, shortHash, signatureSourceKey, sortFiles } from '../../lib/registry';

function TensorTable({ specs, testId }: { specs: TensorSpec[]; testId: string }) {
  const { t } = useTranslation();
  return (
    <table className="table compact" data-testid={testId}>
      <thead>
        <tr>
          <th>{t('registry.tensorName')}</th>
          <th>{t('registry.datatype')}</th>
          <th>{t('registry.shape')}</th>
        </tr>
      </thead>
      <tbody>
        {specs.map((s, i) => (
          <tr key={`${s.name}-${i}`}>
            <td className="mono">{s.name}</td>
            <td className="mono">{s.datatype}</td>
            <td className="mono" title={JSON.stringify(s.shape)}>
              {formatShape(s.shape)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SignatureCard({ v }: { v: ModelVersion }) {
  const { t } = useTranslation();
  const sig = v.signature;
  return (
    <section className="card" data-testid="signature">
      <h2>{t('registry.signature')}</h2>
      {!sig ? (
        <Empty>{t('registry.noSignature')}</Empty>
      ) : (
        <>
          {sig.source && (
            <p className="muted small" data-testid="signature-source">
              {t(signatureSourceKey(sig.source) ?? 'registry.signatureSource', { source: sig.source })}
            </p>
          )}
          <h3>{t('registry.inputs')}</h3>
          {sig.inputs?.length ? <TensorTable specs={sig.inputs} testId="signature-inputs" /> : <Empty>{t('registry.none')}</Empty>}
          <h3>{t('registry.outputs')}</h3>
          {sig.outputs?.length ? <TensorTable specs={sig.outputs} testId="signature-outputs" /> : <Empty>{t('registry.none')}</Empty>}
          <p className="muted small">{t('registry.shapeHint')}</p>
        </>
      )}
    </section>
  );
}

export function FilesCard({ v }: { v: ModelVersion }) {
  const { t } = useTranslation();
  return (
    <section className="card">
      <h2>{t('registry.files', { count: v.files.length })}</h2>
      <table className="table compact" data-testid="version-files">
        <thead>
          <tr>
            <th>{t('registry.path')}</th>
            <th>{t('registry.role')}</th>
            <th className="right">{t('report.size')}</th>
            <th>sha256</th>
          </tr>
        </thead>
        <tbody>
          {sortFiles(v.files).map((f) => (
            <tr key={f.path} data-file={f.path}>
              <td className="mono">{f.path}</td>
              <td data-stat="role">{t(`registry.roles.${f.role}`, { defaultValue: f.role })}</td>
              <td className="right">{formatBytes(f.size)}</td>
              <td className="mono small" title={f.sha256}>
                {shortHash(f.sha256)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function LineageCard({ lineage, projectName }: { lineage: VersionLineage | null; projectName?: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const l = lineage ?? {};
  const exp = l.experiment;
  const pkg = l.package;
  const metrics = Object.entries(l.metrics ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const rows: [string, React.ReactNode][] = [
    [
      t('registry.run'),
      l.run ? (
        <span data-testid="lineage-run">
          <Link to={`/runs/${encodeURIComponent(l.run.id)}`}>{l.run.name || l.run.id}</Link>{' '}
          <span className="muted small mono">
            {l.run.id.slice(0, 12)} · {l.run.status}
          </span>
        </span>
      ) : (
        ''
      ),
    ],
    [
      t('registry.experiment'),
      exp ? (
        projectName ? (
          <Link data-testid="lineage-experiment" to={`/projects/${encodeURIComponent(projectName)}/experiments/${encodeURIComponent(String(exp.id))}`}>
            {exp.name}
          </Link>
        ) : (
          exp.name
        )
      ) : (
        ''
      ),
    ],
    [
      t('registry.dataVersions'),
      l.data_versions?.length ? (
        <ul className="plain-list" data-testid="lineage-data">
          {l.data_versions.map((d) => {
            const to = dataVersionPath(d.ref);
            return <li key={`${d.kind}:${d.ref}`}>{to ? <Link to={to}>{d.ref}</Link> : <span className="mono">{d.ref}</span>}</li>;
          })}
        </ul>
      ) : (
        ''
      ),
    ],
    [
      t('registry.package'),
      pkg ? (
        <div data-testid="lineage-package">
          {projectName ? <Link to={`/projects/${encodeURIComponent(projectName)}?tab=packages`}>#{pkg.id}</Link> : `#${pkg.id}`} ·{' '}
          {t('registry.packageTask', { task: pkg.task })} · <span className="mono">{pkg.criteria}</span>
          {pkg.criteria_result && (
            <span className={pkg.criteria_result.passed ? 'pass' : 'fail'}>
              {' '}
              ({pkg.criteria_result.passed ? t('report.criteriaPassed') : t('report.criteriaFailed')})
            </span>
          )}
          <div className="muted small">{t('registry.confirmedBy', { by: pkg.confirmed_by, at: formatDateTime(pkg.confirmed_at, locale) })}</div>
          {pkg.criteria_result && <CriteriaClauses check={pkg.criteria_result} />}
        </div>
      ) : (
        ''
      ),
    ],
    [t('registry.code'), l.code?.length ? <span className="mono small break">{l.code.map((c) => `${c.key}=${c.value}`).join(', ')}</span> : ''],
    [t('registry.environment'), l.environment ? <span className="mono">{l.environment}</span> : ''],
    [
      t('registry.evaluations'),
      l.evaluations?.length ? <span className="mono small">{l.evaluations.map((e) => e.artifact).join(', ')}</span> : '',
    ],
  ];
  return (
    <section className="card" data-testid="lineage">
      <h2>{t('registry.lineage')}</h2>
      <dl className="kv">
        {rows.map(([k, val]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{val || <span className="muted">—</span>}</dd>
          </div>
        ))}
      </dl>
      {metrics.length > 0 && (
        <>
          <h3>{t('registry.runMetrics')}</h3>
          <table className="table compact" data-testid="lineage-metrics">
            <tbody>
              {metrics.map(([k, val]) => (
                <tr key={k}>
                  <td className="mono">{k}</td>
                  <td className="right mono">{val === null ? '—' : formatNumber(val, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** A package's acceptance-criteria check, clause by clause (the value found and pass or fail). */
export function CriteriaClauses({ check }: { check: CriteriaCheck }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <table className="table compact" data-testid="criteria-clauses">
      <thead>
        <tr>
          <th>{t('report.clause')}</th>
          <th className="right">{t('report.actual')}</th>
          <th>{t('report.result')}</th>
        </tr>
      </thead>
      <tbody>
        {check.clauses.map((c, i) => (
          <tr key={i} data-clause={c.text} data-passed={c.passed ? 'true' : 'false'}>
            <td className="mono">{c.text}</td>
            <td className="right mono">{c.actual === null ? t('report.missing') : formatNumber(c.actual, locale)}</td>
            <td className={c.passed ? 'pass' : 'fail'}>{c.passed ? t('approvals.clausePassed') : t('approvals.clauseFailed')}</td>
          </tr>
        ))}
      </tbody>
      {check.missing.length > 0 && (
        <tfoot>
          <tr>
            <td colSpan={3} className="muted small" data-testid="criteria-missing">
              {t('approvals.missingMetrics', { metrics: check.missing.join(', ') })}
              <MissingMetrics check={check} />
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}
