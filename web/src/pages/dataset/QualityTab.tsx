import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { getSchema, getVersionQuality, inferSchema } from '../../api/endpoints';
import type { DataVersion, SavedSchema, TableAnomaly } from '../../api/types';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTime, formatNumber } from '../../lib/format';
import { qualityKey, TablePicker, useTableChoice } from './TablePicker';

const EXAMPLE_ROWS = 10;

/**
 * Data review (DATA-8): item-level findings of a version (empty, duplicate, undecodable…), a table
 * item's anomalies against the dataset's saved schema (or one inferred from the table itself), and
 * the saved schema, which a data engineer can infer from a version.
 */
export function QualityTab({ project, dataset, versions, write }: { project: string; dataset: string; versions: DataVersion[]; write: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const queryClient = useQueryClient();
  const [choice, setChoice] = useTableChoice(versions);
  const [showSchema, setShowSchema] = useState(false);
  const q = useQuery({
    queryKey: qualityKey(project, dataset, choice),
    queryFn: () => getVersionQuality(project, dataset, choice.version, { item: choice.item || undefined, label: choice.label || undefined }),
    enabled: !!choice.version,
    staleTime: 30_000,
    retry: false,
  });
  const schemaQ = useQuery({
    queryKey: ['datasetSchema', project, dataset],
    queryFn: async (): Promise<SavedSchema | null> => {
      try {
        return await getSchema(project, dataset);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404 && e.code !== 'ENDPOINT_NOT_FOUND') return null;
        throw e;
      }
    },
    retry: false,
  });
  const infer = useMutation({
    mutationFn: () => inferSchema(project, dataset, { version: choice.version, item: choice.item || undefined, label: choice.label || undefined }),
    onSuccess: async () => {
      setShowSchema(true);
      await queryClient.invalidateQueries({ queryKey: ['datasetSchema', project, dataset] });
      await queryClient.invalidateQueries({ queryKey: ['versionQuality', project, dataset] });
    },
  });
  if (versions.length === 0) return <Empty>{t('analysis.noVersions')}</Empty>;
  const report = q.data;
  const saved = schemaQ.data;
  const against = report?.table?.against ?? '';
  // The server says "inferred" or "saved schema from vN".
  const savedFrom = /^saved schema from (.+)$/.exec(against)?.[1];
  const againstText = against === 'inferred' ? t('quality.againstInferred') : savedFrom ? t('quality.againstSaved', { version: savedFrom }) : against;

  return (
    <section data-testid="quality-tab">
      <TablePicker project={project} dataset={dataset} versions={versions} choice={choice} onChange={setChoice} withLabel />
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {report && (
        <>
          <section className="card" data-testid="item-findings">
            <div className="section-head">
              <h2>{t('quality.items')}</h2>
              <span className={report.items.ok ? 'status-pill status-finished' : 'status-pill status-failed'}>
                {report.items.ok ? t('quality.ok') : t('quality.problems', { count: report.items.findings.length })}
              </span>
            </div>
            <p className="muted small">{t('quality.itemsChecked', { count: report.items.items })}</p>
            {report.items.findings.length === 0 ? (
              <Empty>{t('quality.noItemFindings')}</Empty>
            ) : (
              <table className="table compact">
                <thead>
                  <tr>
                    <th>{t('quality.finding')}</th>
                    <th className="right">{t('quality.count')}</th>
                    <th>{t('quality.examples')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.items.findings.map((f) => (
                    <tr key={f.kind} data-kind={f.kind}>
                      <td>
                        <strong>{t(`quality.kinds.${f.kind}`, { defaultValue: f.kind })}</strong>
                        <div className="muted small">{f.message}</div>
                      </td>
                      <td className="right" data-stat="count">{formatNumber(f.count, locale)}</td>
                      <td>
                        <ul className="plain-list mono small">
                          {f.examples.map((p) => (
                            <li key={p}>{p}</li>
                          ))}
                          {f.count > f.examples.length && <li className="muted">{t('quality.more', { count: f.count - f.examples.length })}</li>}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          {(report.dictionaries?.length ?? 0) > 0 && (
            <section className="card" data-testid="dictionary-quality">
              <div className="section-head">
                <h2>{t('dictionaries.title')}</h2>
              </div>
              <table className="table compact">
                <thead>
                  <tr>
                    <th>{t('items.path')}</th>
                    <th className="right">{t('dictionaries.entries')}</th>
                    <th className="right">{t('dictionaries.duplicateTerms')}</th>
                    <th>{t('dictionaries.duplicateLines')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.dictionaries!.map((x) => (
                    <tr key={x.path} data-path={x.path}>
                      <td className="mono break">{x.path}</td>
                      <td className="right" data-stat="entries">
                        {formatNumber(x.entries, locale)}
                      </td>
                      <td className="right" data-stat="duplicates">
                        {x.duplicate_terms > 0 ? <span className="status-pill status-failed">{formatNumber(x.duplicate_terms, locale)}</span> : '0'}
                      </td>
                      <td className="mono small" data-stat="lines">
                        {(x.example_lines ?? []).length > 0
                          ? t('dictionaries.onLines', {
                              count: (x.example_lines ?? []).length,
                              lines: `${(x.example_lines ?? []).join(', ')}${x.duplicate_terms > (x.example_lines ?? []).length ? ', …' : ''}`,
                            })
                          : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          <section className="card" data-testid="table-anomalies">
            <div className="section-head">
              <h2>{t('quality.table')}</h2>
              {report.table && (
                <span className={report.table.report.ok ? 'status-pill status-finished' : 'status-pill status-failed'}>
                  {report.table.report.ok ? t('quality.ok') : t('quality.problems', { count: report.table.report.anomalies.length })}
                </span>
              )}
            </div>
            {!report.table ? (
              <Empty>{t('analysis.noTable')}</Empty>
            ) : (
              <>
                <p className="muted small">
                  <span className="mono">{report.table.item}</span> · {t('quality.rows', { count: report.table.report.rows })} ·{' '}
                  <span data-testid="checked-against">{againstText}</span>
                </p>
                {report.table.report.anomalies.length === 0 ? (
                  <Empty>{t('quality.noAnomalies')}</Empty>
                ) : (
                  <AnomalyTable anomalies={report.table.report.anomalies} />
                )}
              </>
            )}
          </section>
        </>
      )}
      <section className="card" data-testid="schema-card">
        <div className="section-head">
          <h2>{t('schema.title')}</h2>
          <div className="actions">
            {saved && (
              <button type="button" className="btn small" aria-expanded={showSchema} onClick={() => setShowSchema((s) => !s)}>
                {showSchema ? t('schema.hide') : t('schema.view')}
              </button>
            )}
            {write && (
              <button type="button" className="btn small primary" disabled={infer.isPending || !choice.version} onClick={() => infer.mutate()}>
                {t('schema.infer', { version: choice.version })}
              </button>
            )}
          </div>
        </div>
        <ErrorBox error={infer.error ?? schemaQ.error} />
        {schemaQ.isPending ? (
          <Loading />
        ) : !saved ? (
          <p className="muted" data-testid="schema-none">
            {t('schema.none')}
          </p>
        ) : (
          <>
            <p className="muted small" data-testid="schema-origin">
              {t('schema.origin', {
                version: saved.version,
                item: saved.item,
                user: saved.created_by ?? '',
                date: formatDateTime(saved.created_at, locale),
              })}
              {saved.schema.label ? ` · ${t('schema.labelColumn', { column: saved.schema.label })}` : ''}
            </p>
            {showSchema && <SchemaTable schema={saved} />}
          </>
        )}
      </section>
    </section>
  );
}

function AnomalyTable({ anomalies }: { anomalies: TableAnomaly[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <table className="table compact" data-testid="anomaly-table">
      <thead>
        <tr>
          <th>{t('quality.anomaly')}</th>
          <th>{t('stats.column')}</th>
          <th className="right">{t('quality.count')}</th>
          <th>{t('quality.message')}</th>
          <th>{t('quality.exampleRows')}</th>
        </tr>
      </thead>
      <tbody>
        {anomalies.map((a, i) => (
          <tr key={`${a.kind}-${a.column ?? ''}-${i}`} data-kind={a.kind}>
            <td>
              <strong>{t(`quality.kinds.${a.kind}`, { defaultValue: a.kind })}</strong>
            </td>
            <td className="mono">{a.column ?? ''}</td>
            <td className="right" data-stat="count">{formatNumber(a.count, locale)}</td>
            <td className="small">{a.message}</td>
            <td className="mono small" data-stat="rows">
              {a.example_rows.slice(0, EXAMPLE_ROWS).join(', ')}
              {a.example_rows.length > EXAMPLE_ROWS ? ', …' : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const CATEGORIES_SHOWN = 12;

function SchemaTable({ schema }: { schema: SavedSchema }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div className="table-scroll">
      <table className="table compact" data-testid="schema-table">
        <thead>
          <tr>
            <th>{t('stats.column')}</th>
            <th>{t('stats.type')}</th>
            <th>{t('schema.nullable')}</th>
            <th>{t('schema.range')}</th>
            <th>{t('schema.categories')}</th>
          </tr>
        </thead>
        <tbody>
          {schema.schema.columns.map((c) => {
            const cats = c.categories ?? [];
            return (
              <tr key={c.name} data-column={c.name}>
                <td className="mono">
                  {c.name}
                  {schema.schema.label === c.name && <span className="badge">{t('schema.label')}</span>}
                </td>
                <td>
                  <span className={`badge type-${c.type}`}>{t(`stats.types.${c.type}`, { defaultValue: c.type })}</span>
                </td>
                <td data-stat="nullable">{c.nullable ? t('schema.yes') : t('schema.no')}</td>
                <td className="mono small" data-stat="range">
                  {c.min !== undefined || c.max !== undefined
                    ? `${c.min !== undefined ? formatNumber(c.min, locale) : '−∞'} – ${c.max !== undefined ? formatNumber(c.max, locale) : '∞'}`
                    : ''}
                </td>
                <td className="small" data-stat="categories">
                  {cats.slice(0, CATEGORIES_SHOWN).map((x) => (
                    <span key={x} className="tag">
                      {x}
                    </span>
                  ))}
                  {cats.length > CATEGORIES_SHOWN && <span className="muted"> {t('quality.more', { count: cats.length - CATEGORIES_SHOWN })}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
