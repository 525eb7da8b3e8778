// One section of a model card as the web page shows it (REG-4): its title, the written text (or a
// muted note that none is written), then the blocks generated from the records — paragraphs,
// tables, heat maps and bar lists as tables; a curve is drawn only in the HTML document, which
// the note links to.
import { useTranslation } from 'react-i18next';
import type { CardBlock, CardSection } from '../../api/types';
import { useLocale } from '../../components/useLocale';
import { formatDateTime, formatNumber } from '../../lib/format';
import { blockAsTable, drawnInPage } from '../../lib/modelcard';

export function CardSectionView({ section, documentUrl }: { section: CardSection; documentUrl: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const written = section.text.trim() !== '';
  return (
    <section className="card-section" data-section={section.key}>
      <h3>{section.title}</h3>
      {written ? (
        <>
          <div className="card-written" data-testid="card-written">
            {section.text}
          </div>
          {section.updated_by && (
            <div className="muted small">{t('registry.card.writtenBy', { by: section.updated_by, at: formatDateTime(section.updated_at, locale) })}</div>
          )}
        </>
      ) : (
        <p className="muted small card-not-written" data-testid="card-not-written">
          {t('registry.card.notWritten')}
        </p>
      )}
      {section.blocks.map((b, i) => (
        <Block key={i} block={b} documentUrl={documentUrl} />
      ))}
    </section>
  );
}

function Block({ block: b, documentUrl }: { block: CardBlock; documentUrl: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (!drawnInPage(b)) {
    return (
      <p className="muted small" data-block={b.kind}>
        {t('registry.card.curveInDocument', { title: b.text })}{' '}
        <a href={documentUrl} target="_blank" rel="noopener noreferrer">
          {t('registry.card.openHtml')}
        </a>
      </p>
    );
  }
  switch (b.kind) {
    case 'heading':
      return <h4 data-block={b.kind}>{b.text}</h4>;
    case 'subheading':
      return <h5 data-block={b.kind}>{b.text}</h5>;
    case 'para':
      return (
        <p className={b.style === 'pass' || b.style === 'fail' || b.style === 'muted' ? b.style : undefined} data-block={b.kind}>
          {b.text}
        </p>
      );
    case 'table':
      return <BlockTable title={b.text} head={b.head ?? []} rows={b.rows ?? []} kind={b.kind} />;
    default: {
      const table = blockAsTable(b, (n) => formatNumber(n, locale));
      return table ? <BlockTable title={b.text} head={table.head} rows={table.rows} kind={b.kind} /> : null;
    }
  }
}

function BlockTable({ title, head, rows, kind }: { title: string; head: string[]; rows: string[][]; kind: string }) {
  return (
    <div className="card-block-table" data-block={kind}>
      {title && <h4>{title}</h4>}
      <div className="table-scroll">
        <table className="table compact">
          {head.length > 0 && (
            <thead>
              <tr>
                {head.map((h, i) => (
                  <th key={i}>{h}</th>
                ))}
              </tr>
            </thead>
          )}
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) => (
                  <td key={j} className="break">
                    {c}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
