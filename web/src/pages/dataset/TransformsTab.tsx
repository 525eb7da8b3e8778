import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { fitTransform, getTransform, getVersionStats, listTransforms } from '../../api/endpoints';
import type { ColumnStats, DataVersion } from '../../api/types';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import {
  buildTransformConfig,
  defaultTransformRows,
  fittedSummary,
  IMPUTE_NUMERIC,
  IMPUTE_STRING,
  NUMERIC_STEPS,
  shortHash,
  stepParam,
  STRING_STEPS,
  type TransformRow,
} from '../../lib/analysis';
import { formatDateTime } from '../../lib/format';
import { DEFAULT_BINS, isNoTable, statsKey, TablePicker, useTableChoice } from './TablePicker';

/**
 * Fitted transforms (FE-2, FE-3): a form that fits one on a version's table item (which columns,
 * impute, scale / bucketize / encode), the dataset's fitted transforms by content hash, and the
 * learned parameters of one of them.
 */
export function TransformsTab({ project, dataset, versions, write }: { project: string; dataset: string; versions: DataVersion[]; write: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [open, setOpen] = useState<string>('');
  const list = useQuery({ queryKey: ['transforms', project, dataset], queryFn: () => listTransforms(project, dataset) });
  const transforms = list.data?.transforms ?? [];
  return (
    <section data-testid="transforms-tab">
      {write && versions.length > 0 && <FitForm project={project} dataset={dataset} versions={versions} onFitted={setOpen} />}
      <section className="card">
        <h2>{t('transforms.fitted')}</h2>
        {list.isPending && <Loading />}
        <ErrorBox error={list.error} />
        {list.data && transforms.length === 0 && <Empty>{t('transforms.none')}</Empty>}
        {transforms.length > 0 && (
          <table className="table compact" data-testid="transforms-table">
            <thead>
              <tr>
                <th>{t('transforms.hash')}</th>
                <th>{t('analysis.version')}</th>
                <th>{t('analysis.item')}</th>
                <th>{t('versions.by')}</th>
                <th>{t('versions.created')}</th>
                <th aria-label={t('common.actions')} />
              </tr>
            </thead>
            <tbody>
              {transforms.map((x) => (
                <tr key={x.hash} className={x.hash === open ? 'selected-row' : undefined} data-hash={x.hash}>
                  <td className="mono" title={x.hash}>
                    {shortHash(x.hash)}
                  </td>
                  <td className="mono">{x.version}</td>
                  <td className="mono small">{x.item}</td>
                  <td>{x.created_by}</td>
                  <td>{formatDateTime(x.created_at, locale)}</td>
                  <td className="right">
                    <button type="button" className="btn small" aria-pressed={x.hash === open} onClick={() => setOpen(x.hash === open ? '' : x.hash)}>
                      {x.hash === open ? t('transforms.hide') : t('transforms.view')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {open && <SpecCard project={project} dataset={dataset} hash={open} />}
    </section>
  );
}

function FitForm({ project, dataset, versions, onFitted }: { project: string; dataset: string; versions: DataVersion[]; onFitted: (hash: string) => void }) {
  const { t } = useTranslation();
  const [choice, setChoice] = useTableChoice(versions);
  const cols = useQuery({
    queryKey: statsKey(project, dataset, { ...choice, label: '' }, DEFAULT_BINS),
    queryFn: () => getVersionStats(project, dataset, choice.version, { item: choice.item || undefined, bins: DEFAULT_BINS }),
    enabled: !!choice.version,
    staleTime: 60_000,
    retry: false,
  });
  return (
    <section className="card" data-testid="transform-form">
      <h2>{t('transforms.fitTitle')}</h2>
      <TablePicker project={project} dataset={dataset} versions={versions} choice={choice} onChange={setChoice} withLabel />
      {cols.isPending && <Loading />}
      {isNoTable(cols.error) ? <Empty>{t('analysis.noTable')}</Empty> : <ErrorBox error={cols.error} />}
      {cols.data && (
        <ColumnsForm
          key={`${choice.version}\u0000${cols.data.item}\u0000${choice.label}`}
          project={project}
          dataset={dataset}
          version={choice.version}
          item={cols.data.item}
          columns={cols.data.stats.columns}
          label={choice.label}
          onFitted={onFitted}
        />
      )}
    </section>
  );
}

function ColumnsForm({
  project,
  dataset,
  version,
  item,
  columns,
  label,
  onFitted,
}: {
  project: string;
  dataset: string;
  version: string;
  item: string;
  columns: ColumnStats[];
  label: string;
  onFitted: (hash: string) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<TransformRow[]>(() => defaultTransformRows(columns, label));
  const built = useMemo(() => buildTransformConfig(rows), [rows]);
  const update = (i: number, patch: Partial<TransformRow>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const fit = useMutation({
    mutationFn: () => {
      if (!('config' in built)) throw new Error(t(built.problem.key, built.problem.values));
      return fitTransform(project, dataset, version, { config: built.config, item });
    },
    onSuccess: async (res) => {
      onFitted(res.transform.hash);
      await queryClient.invalidateQueries({ queryKey: ['transforms', project, dataset] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if ('config' in built) fit.mutate();
  };
  return (
    <form className="form" onSubmit={submit}>
      <div className="actions">
        <button type="button" className="btn small" onClick={() => setRows((rs) => rs.map((r) => ({ ...r, include: true })))}>
          {t('transforms.all')}
        </button>
        <button type="button" className="btn small" onClick={() => setRows((rs) => rs.map((r) => ({ ...r, include: false })))}>
          {t('transforms.noneSelected')}
        </button>
        <span className="muted small">{t('transforms.selected', { count: rows.filter((r) => r.include).length, total: rows.length })}</span>
      </div>
      <div className="table-scroll transform-rows">
        <table className="table compact" data-testid="transform-columns">
          <thead>
            <tr>
              <th>{t('transforms.use')}</th>
              <th>{t('stats.column')}</th>
              <th>{t('stats.type')}</th>
              <th>{t('transforms.impute')}</th>
              <th>{t('transforms.step')}</th>
              <th>{t('transforms.param')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const p = stepParam(r.step);
              const steps = r.type === 'numeric' ? NUMERIC_STEPS : STRING_STEPS;
              const imputes = r.type === 'numeric' ? IMPUTE_NUMERIC : IMPUTE_STRING;
              return (
                <tr key={r.column} data-column={r.column} className={r.include ? undefined : 'muted'}>
                  <td>
                    <input
                      type="checkbox"
                      name={`use_${r.column}`}
                      aria-label={t('transforms.useColumn', { column: r.column })}
                      checked={r.include}
                      onChange={(e) => update(i, { include: e.target.checked })}
                    />
                  </td>
                  <td className="mono">{r.column}</td>
                  <td>{t(`transforms.types.${r.type}`)}</td>
                  <td>
                    <select
                      className="small-select"
                      name={`impute_${r.column}`}
                      aria-label={t('transforms.imputeOf', { column: r.column })}
                      value={r.impute}
                      disabled={!r.include}
                      onChange={(e) => update(i, { impute: e.target.value })}
                    >
                      {imputes.map((s) => (
                        <option key={s} value={s}>
                          {t(`transforms.imputes.${s}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <select
                      className="small-select"
                      name={`step_${r.column}`}
                      aria-label={t('transforms.stepOf', { column: r.column })}
                      value={r.step}
                      disabled={!r.include}
                      onChange={(e) => update(i, { step: e.target.value as TransformRow['step'] })}
                    >
                      {steps.map((s) => (
                        <option key={s} value={s}>
                          {t(`transforms.steps.${s}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    {p && (
                      <input
                        className="small-select param-input"
                        type="number"
                        name={`param_${r.column}`}
                        min={p.min}
                        max={p.max}
                        step={1}
                        placeholder={p.required ? '' : t('transforms.noLimit')}
                        aria-label={t(`transforms.params.${p.key}`) + ` (${r.column})`}
                        title={t(`transforms.params.${p.key}`)}
                        value={r.param}
                        disabled={!r.include}
                        onChange={(e) => update(i, { param: e.target.value })}
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {'config' in built && (
        <details className="small">
          <summary>{t('transforms.config')}</summary>
          <pre className="mono code-block" data-testid="transform-config">
            {JSON.stringify(built.config, null, 2)}
          </pre>
        </details>
      )}
      {'problem' in built && <small className="hint error">{t(built.problem.key, built.problem.values)}</small>}
      <ErrorBox error={fit.error} />
      {fit.data && (
        <div className="notice" role="status" data-testid="fitted-notice">
          {t('transforms.fittedOn', { version: fit.data.transform.version, item: fit.data.transform.item })}{' '}
          <code className="mono" data-testid="fitted-hash">
            {fit.data.transform.hash}
          </code>
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={!('config' in built) || fit.isPending}>
          {t('transforms.fit', { version })}
        </button>
      </div>
    </form>
  );
}

function SpecCard({ project, dataset, hash }: { project: string; dataset: string; hash: string }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['transform', project, dataset, hash], queryFn: () => getTransform(project, dataset, hash), staleTime: Infinity });
  // Learned parameters are shown as written in the spec: no digit grouping, which would read as list commas.
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))));
  const spec = q.data?.spec;
  return (
    <section className="card" data-testid="transform-spec">
      <h2>{t('transforms.spec')}</h2>
      <p className="small">
        <span className="muted">{t('transforms.hash')}: </span>
        <code className="mono break" data-testid="spec-hash">
          {hash}
        </code>
      </p>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {spec && (
        <>
          <table className="table compact">
            <thead>
              <tr>
                <th>{t('transforms.input')}</th>
                <th>{t('transforms.output')}</th>
                <th>{t('stats.type')}</th>
                <th>{t('transforms.fittedSteps')}</th>
              </tr>
            </thead>
            <tbody>
              {spec.columns.map((c, i) => (
                <tr key={`${c.name}-${i}`} data-column={c.column}>
                  <td className="mono">{c.column}</td>
                  <td className="mono">{c.name}</td>
                  <td>{c.type}</td>
                  <td>
                    <ol className="steps">
                      {c.steps.map((s, j) => (
                        <li key={j}>
                          <strong>{t(`transforms.kinds.${s.kind}`, { defaultValue: s.kind })}</strong>{' '}
                          <span className="mono small muted" data-stat="fitted">
                            {fittedSummary(s, fmt)}
                          </span>
                        </li>
                      ))}
                    </ol>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <details className="small">
            <summary>{t('transforms.json')}</summary>
            <pre className="mono code-block">{JSON.stringify(spec, null, 2)}</pre>
          </details>
        </>
      )}
    </section>
  );
}
