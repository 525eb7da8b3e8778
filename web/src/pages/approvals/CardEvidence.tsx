// The model card as evidence on an approval request's page (REG-4, REG-5): the sections people
// wrote and the metrics section (the criteria check and the run's metrics as the card states
// them), in the UI's language or the other; the whole card is on the version page and in the HTML
// document.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { getModelCard, modelCardUrl } from '../../api/endpoints';
import type { ModelVersion } from '../../api/types';
import { ErrorBox, Loading } from '../../components/Status';
import { evidenceSections, METRICS_SECTION } from '../../lib/modelcard';
import { versionPath } from '../../lib/registry';
import { CardSectionView } from '../model/CardSectionView';
import { cardKey, CardLangToggle, useCardLang } from '../model/ModelCardPanel';

export function CardEvidence({ v }: { v: ModelVersion }) {
  const { t } = useTranslation();
  const [lang, setLang] = useCardLang();
  const q = useQuery({ queryKey: cardKey(v.model, v.version, lang), queryFn: () => getModelCard(v.model, v.version, lang) });
  const card = q.data?.card;
  const shown = card ? evidenceSections(card.sections) : [];
  const htmlUrl = modelCardUrl(v.model, v.version, 'html', lang, false);
  return (
    <section className="card" data-testid="card-evidence" data-lang={lang}>
      <div className="section-head">
        <h2>{t('registry.card.title')}</h2>
        <div className="row gap card-actions">
          <CardLangToggle lang={lang} onChange={setLang} />
          <a className="btn small" href={htmlUrl} target="_blank" rel="noopener noreferrer">
            {t('registry.card.openHtml')}
          </a>
        </div>
      </div>
      <p className="muted small">
        {t('approvals.cardHint')} <Link to={versionPath(v.model, v.version)}>{t('approvals.fullCard')}</Link>
      </p>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {card && !shown.some((s) => s.key !== METRICS_SECTION || s.text.trim() !== '') && (
        <p className="note-warn small" data-testid="card-nothing-written">
          {t('approvals.cardNothingWritten')}
        </p>
      )}
      {shown.map((s) => (
        <CardSectionView key={s.key} section={s} documentUrl={htmlUrl} />
      ))}
    </section>
  );
}
