import { useTranslation } from 'react-i18next';
import type { DataRound } from '../../api/types';

/** Checkboxes for rounds, newest last. */
export function RoundPicker({ rounds, value, onChange }: { rounds: DataRound[]; value: number[]; onChange: (v: number[]) => void }) {
  const { t } = useTranslation();
  const sorted = [...rounds].sort((a, b) => a.number - b.number);
  return (
    <div className="round-picker" role="group">
      {sorted.map((r) => (
        <label key={r.number} className="check round-check">
          <input
            type="checkbox"
            name={`round-${r.number}`}
            checked={value.includes(r.number)}
            onChange={(e) =>
              onChange(e.target.checked ? [...value, r.number].sort((a, b) => a - b) : value.filter((n) => n !== r.number))
            }
          />
          <span>
            #{r.number} <span className="muted small">({r.kind === 'bundle' ? t('rounds.kindBundle') : t('rounds.kindUpload')}, {t('dataset.itemsCount', { count: r.items })})</span>
          </span>
        </label>
      ))}
    </div>
  );
}
