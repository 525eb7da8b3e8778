import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { columnKey, type ColumnId, type ColumnKind, type KeysPresent } from '../../lib/columns';

const GROUPS: { kind: ColumnKind; field: keyof KeysPresent; label: string }[] = [
  { kind: 'metric', field: 'metrics', label: 'runs.metrics' },
  { kind: 'param', field: 'params', label: 'runs.params' },
  { kind: 'tag', field: 'tags', label: 'runs.tags' },
];

/** A drop-down of checkboxes, one per metric, param and tag key present in the loaded runs. */
export function ColumnPicker({
  keys,
  selected,
  onChange,
  onReset,
}: {
  keys: KeysPresent;
  selected: ColumnId[];
  onChange: (cols: ColumnId[]) => void;
  onReset: () => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  const chosen = new Set(selected.map(columnKey));

  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [open]);

  const toggle = (c: ColumnId) => {
    const k = columnKey(c);
    onChange(chosen.has(k) ? selected.filter((x) => columnKey(x) !== k) : [...selected, c]);
  };
  const f = search.trim().toLowerCase();
  const total = keys.metrics.length + keys.params.length + keys.tags.length;

  return (
    <div className="picker" ref={ref}>
      <button type="button" className="btn" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {t('runs.columns', { count: selected.length })}
      </button>
      {open && (
        <div className="picker-panel card">
          <div className="picker-tools">
            <input
              type="search"
              placeholder={t('runs.searchKeys')}
              aria-label={t('runs.searchKeys')}
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              autoFocus
            />
            <button type="button" className="btn small ghost" onClick={onReset}>
              {t('runs.resetColumns')}
            </button>
          </div>
          {total === 0 && <div className="muted small">{t('runs.noKeys')}</div>}
          {GROUPS.map((g) => {
            const list = keys[g.field].filter((k) => !f || k.toLowerCase().includes(f));
            if (list.length === 0) return null;
            return (
              <div key={g.kind} className="picker-group">
                <div className="picker-group-title">{t(g.label)}</div>
                {list.map((key) => {
                  const c = { kind: g.kind, key };
                  return (
                    <label key={key} className="check">
                      <input type="checkbox" checked={chosen.has(columnKey(c))} onChange={() => toggle(c)} />
                      <span className="mono">{key}</span>
                    </label>
                  );
                })}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
