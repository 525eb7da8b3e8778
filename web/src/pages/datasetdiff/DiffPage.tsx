import { useEffect, useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { diffVersions, getDataset } from '../../api/endpoints';
import type { DataDiff, DictionaryDiff, TableDiff } from '../../api/types';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { datasetPath } from '../../components/DataStatusChip';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { Tabs } from '../../components/Tabs';
import { dictionaryTotal, unlisted } from '../../lib/dictionary';
import { formatBytes } from '../../lib/format';

const KINDS = ['added', 'removed', 'modified', 'renamed', 'labelChanges'] as const;
type Kind = (typeof KINDS)[number];
const COUNT_KEY: Record<Kind, keyof DataDiff['counts']> = {
  added: 'added',
  removed: 'removed',
  modified: 'modified',
  renamed: 'renamed',
  labelChanges: 'label_changes',
};

export default function DiffPage() {
  const { t } = useTranslation();
  const { project = '', dataset = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const [kind, setKind] = useState<Kind>('added');
  const [filter, setFilter] = useState('');
  const dq = useQuery({ queryKey: ['dataset', project, dataset], queryFn: () => getDataset(project, dataset) });
  const versions = useMemo(() => [...(dq.data?.versions ?? [])].sort((a, b) => a.number - b.number), [dq.data]);
  const from = params.get('from') ?? versions[versions.length - 2]?.name ?? '';
  const to = params.get('to') ?? versions[versions.length - 1]?.name ?? '';
  const same = !!from && from === to;
  const q = useQuery({
    queryKey: ['diff', project, dataset, from, to],
    queryFn: () => diffVersions(project, dataset, from, to),
    enabled: !!from && !!to && !same,
  });
  const set = (next: { from?: string; to?: string }) => setParams({ from: next.from ?? from, to: next.to ?? to }, { replace: true });
  const d = q.data;
  const f = filter.trim().toLowerCase();
  // Open on the first kind of change there is (issue 17): a diff of only modified files opens
  // on them, not on an empty "added" list.
  useEffect(() => {
    if (d) setKind(KINDS.find((k) => d.counts[COUNT_KEY[k]] > 0) ?? 'added');
  }, [d]);

  return (
    <div className="page">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          { label: project, to: `/projects/${encodeURIComponent(project)}?tab=datasets` },
          { label: dataset, to: datasetPath(project, dataset) },
          { label: t('diff.title') },
        ]}
      />
      <div className="page-head">
        <h1>{t('diff.title')}</h1>
      </div>
      {dq.isPending && <Loading />}
      <ErrorBox error={dq.error} />
      {dq.data && versions.length < 2 && <Empty>{t('diff.needTwo')}</Empty>}
      {versions.length >= 2 && (
        <div className="card row diff-pickers">
          <label className="field">
            <span>{t('diff.from')}</span>
            <select name="from" value={from} onChange={(e) => set({ from: e.target.value })}>
              {versions.map((v) => (
                <option key={v.number} value={v.name}>
                  {v.name} · {t(`dataStatus.${v.status}`, { defaultValue: v.status })}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn" onClick={() => set({ from: to, to: from })}>
            ⇄ {t('diff.swap')}
          </button>
          <label className="field">
            <span>{t('diff.to')}</span>
            <select name="to" value={to} onChange={(e) => set({ to: e.target.value })}>
              {versions.map((v) => (
                <option key={v.number} value={v.name}>
                  {v.name} · {t(`dataStatus.${v.status}`, { defaultValue: v.status })}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {same && <Empty>{t('diff.same')}</Empty>}
      {q.isPending && q.fetchStatus !== 'idle' && <Loading />}
      <ErrorBox error={q.error} />
      {d && (
        <>
          <div className="stat-row diff-counts" data-testid="diff-counts">
            {KINDS.map((k) => (
              <button
                key={k}
                type="button"
                className={`stat stat-button diff-${k}${kind === k ? ' active' : ''}`}
                data-testid={`diff-count-${k}`}
                onClick={() => setKind(k)}
              >
                <span className="muted small">{t(`diff.${k}`)}</span>
                <strong>{d.counts[COUNT_KEY[k]]}</strong>
              </button>
            ))}
          </div>
          <Tabs
            tabs={KINDS.map((k) => ({ id: k, label: `${t(`diff.${k}`)} (${d.counts[COUNT_KEY[k]]})` }))}
            active={kind}
            onChange={(id) => setKind(id as Kind)}
          />
          <div className="filter-bar">
            <input
              type="search"
              className="filter-input mono"
              placeholder={t('diff.filter')}
              aria-label={t('diff.filter')}
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
            {d.listed_at_most !== undefined && <span className="muted small">{t('diff.listedAtMost', { max: d.listed_at_most })}</span>}
          </div>
          {(d.tables?.length ?? 0) > 0 && (
            <section data-testid="table-diffs">
              {d.tables!.map((x) => (
                <TableDiffCard key={x.path} diff={x} />
              ))}
            </section>
          )}
          <DiffList diff={d} kind={kind} filter={f} />
          {(d.dictionaries?.length ?? 0) > 0 && (
            <section className="dict-section" data-testid="dictionary-diffs">
              <h2>{t('dictionaries.title')}</h2>
              <p className="muted small">{t('dictionaries.diffHint')}</p>
              {d.dictionaries!.map((x) => (
                <DictionaryCard key={x.path} diff={x} />
              ))}
            </section>
          )}
        </>
      )}
    </div>
  );
}

function DiffList({ diff, kind, filter }: { diff: DataDiff; kind: Kind; filter: string }) {
  const { t } = useTranslation();
  const match = (p: string) => !filter || p.toLowerCase().includes(filter);
  const total = diff.counts[COUNT_KEY[kind]];
  let rows: React.ReactNode[] = [];
  let head: React.ReactNode = null;
  if (kind === 'added' || kind === 'modified') {
    const list = (kind === 'added' ? diff.added : diff.modified) ?? [];
    head = (
      <tr>
        <th>{t('items.path')}</th>
        <th className="right">{t('items.size')}</th>
        <th>{t('items.sha')}</th>
        <th>{t('items.meta')}</th>
      </tr>
    );
    rows = list
      .filter((e) => match(e.path))
      .map((e) => (
        <tr key={e.path}>
          <td className="mono break">{e.path}</td>
          <td className="right">{formatBytes(e.size)}</td>
          <td className="mono muted" title={e.sha256}>
            {e.sha256.slice(0, 12)}
          </td>
          <td className="mono small">{e.meta && Object.keys(e.meta).length ? JSON.stringify(e.meta) : ''}</td>
        </tr>
      ));
  } else if (kind === 'renamed') {
    head = (
      <tr>
        <th>{t('diff.oldPath')}</th>
        <th>{t('diff.newPath')}</th>
      </tr>
    );
    rows = (diff.renamed ?? [])
      .filter((r) => match(r.from) || match(r.to))
      .map((r) => (
        <tr key={`${r.from}→${r.to}`}>
          <td className="mono break">{r.from}</td>
          <td className="mono break">{r.to}</td>
        </tr>
      ));
  } else {
    const list = (kind === 'removed' ? diff.removed : diff.label_changes) ?? [];
    head = (
      <tr>
        <th>{t('items.path')}</th>
      </tr>
    );
    rows = list.filter(match).map((p) => (
      <tr key={p}>
        <td className="mono break">{p}</td>
      </tr>
    ));
  }
  if (total === 0) return <Empty>{t('diff.none')}</Empty>;
  return (
    <section>
      <div className="muted small">{t('diff.showing', { shown: rows.length, total })}</div>
      <table className={`table compact diff-list diff-${kind}`} data-testid="diff-list">
        <thead>{head}</thead>
        <tbody>{rows}</tbody>
      </table>
    </section>
  );
}

/** One modified dictionary item: entry counts and the terms added, removed and changed. */
function DictionaryCard({ diff }: { diff: DictionaryDiff }) {
  const { t } = useTranslation();
  const more = (n: number) => (n > 0 ? <li className="muted">{t('quality.more', { count: n })}</li> : null);
  return (
    <div className="card dict-card" data-testid="dictionary-diff" data-path={diff.path}>
      <div className="section-head">
        <h3 className="mono">{diff.path}</h3>
        <span className="muted small">{t('dictionaries.total', { count: dictionaryTotal(diff) })}</span>
      </div>
      <div className="stat-row">
        {(['added', 'removed', 'changed'] as const).map((k) => (
          <div key={k} className={`stat dict-${k}`} data-testid={`dictionary-count-${k}`}>
            <span className="muted small">{t(`dictionaries.${k}`)}</span>
            <strong>{diff.counts[k]}</strong>
          </div>
        ))}
      </div>
      <div className="dict-terms">
        <div>
          <h4 className="dict-added">{t('dictionaries.added')}</h4>
          {diff.counts.added === 0 ? (
            <p className="muted small">{t('dictionaries.noneOfKind')}</p>
          ) : (
            <ul className="mono small" data-testid="dictionary-added">
              {(diff.added ?? []).map((term) => (
                <li key={term}>{term}</li>
              ))}
              {more(unlisted(diff, 'added'))}
            </ul>
          )}
        </div>
        <div>
          <h4 className="dict-removed">{t('dictionaries.removed')}</h4>
          {diff.counts.removed === 0 ? (
            <p className="muted small">{t('dictionaries.noneOfKind')}</p>
          ) : (
            <ul className="mono small" data-testid="dictionary-removed">
              {(diff.removed ?? []).map((term) => (
                <li key={term}>{term}</li>
              ))}
              {more(unlisted(diff, 'removed'))}
            </ul>
          )}
        </div>
      </div>
      <h4>{t('dictionaries.changed')}</h4>
      {diff.counts.changed === 0 ? (
        <p className="muted small">{t('dictionaries.noneOfKind')}</p>
      ) : (
        <>
          <table className="table compact" data-testid="dictionary-changed">
            <thead>
              <tr>
                <th>{t('dictionaries.term')}</th>
                <th>{t('dictionaries.before')}</th>
                <th>{t('dictionaries.after')}</th>
              </tr>
            </thead>
            <tbody>
              {(diff.changed ?? []).map((c) => (
                <tr key={c.term} data-term={c.term}>
                  <td className="mono">{c.term}</td>
                  <td className="mono small dict-removed">{c.from}</td>
                  <td className="mono small dict-added">{c.to}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {unlisted(diff, 'changed') > 0 && <p className="muted small">{t('quality.more', { count: unlisted(diff, 'changed') })}</p>}
        </>
      )}
    </div>
  );
}

/** One modified table item: columns added, removed and retyped; rows added, removed and changed, with samples. */
function TableDiffCard({ diff }: { diff: TableDiff }) {
  const { t } = useTranslation();
  const columns = (rows: Record<string, string | null>[]) => [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const sampleTable = (kind: 'added' | 'removed') => {
    const rows = diff.sample[kind];
    if (rows.length === 0) return null;
    const cols = columns(rows);
    return (
      <div className="table-scroll">
        <h4 className={kind === 'added' ? 'dict-added' : 'dict-removed'}>{t(`diff.rows.${kind}`)}</h4>
        <table className="table compact" data-testid={`table-diff-${kind}`}>
          <thead>
            <tr>
              {cols.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {cols.map((c) => (
                  <td key={c} className="mono small">
                    {r[c] ?? <span className="muted">—</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  };
  return (
    <div className="card dict-card" data-testid="table-diff" data-path={diff.path}>
      <div className="section-head">
        <h3 className="mono">{diff.path}</h3>
        <span className="muted small">
          {t('diff.rows.count', { before: diff.rows_before, after: diff.rows_after })}
          {' · '}
          {diff.key ? t('diff.rows.matchedBy', { key: diff.key }) : t('diff.rows.matchedWhole')}
        </span>
      </div>
      <div className="stat-row">
        {(['added', 'removed', 'changed', 'unchanged'] as const).map((k) => (
          <div key={k} className={`stat dict-${k}`} data-testid={`table-diff-count-${k}`}>
            <span className="muted small">{t(`diff.rows.${k}`)}</span>
            <strong>{diff.counts[k]}</strong>
          </div>
        ))}
      </div>
      {(diff.columns_added.length > 0 || diff.columns_removed.length > 0 || diff.type_changes.length > 0) && (
        <ul className="small" data-testid="table-diff-columns">
          {diff.columns_added.length > 0 && <li className="dict-added">{t('diff.rows.columnsAdded', { columns: diff.columns_added.join(', ') })}</li>}
          {diff.columns_removed.length > 0 && <li className="dict-removed">{t('diff.rows.columnsRemoved', { columns: diff.columns_removed.join(', ') })}</li>}
          {diff.type_changes.map((c) => (
            <li key={c.column}>{t('diff.rows.typeChanged', { column: c.column, from: c.from, to: c.to })}</li>
          ))}
        </ul>
      )}
      {diff.sample.changed.length > 0 && (
        <div className="table-scroll">
          <h4>{t('diff.rows.changed')}</h4>
          <table className="table compact" data-testid="table-diff-changed">
            <thead>
              <tr>
                <th>{diff.key}</th>
                <th>{t('diff.rows.column')}</th>
                <th>{t('dictionaries.before')}</th>
                <th>{t('dictionaries.after')}</th>
              </tr>
            </thead>
            <tbody>
              {diff.sample.changed.flatMap((r) =>
                Object.entries(r.changes).map(([col, [a, b]]) => (
                  <tr key={`${r.key}/${col}`} data-key={r.key} data-column={col}>
                    <td className="mono">{r.key}</td>
                    <td className="mono">{col}</td>
                    <td className="mono small dict-removed">{a ?? '—'}</td>
                    <td className="mono small dict-added">{b ?? '—'}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
      {sampleTable('added')}
      {sampleTable('removed')}
    </div>
  );
}
