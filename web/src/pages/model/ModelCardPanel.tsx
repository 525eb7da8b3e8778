// A version's model card (REG-4) on its page: the sections in order — written text or a note that
// none is written, then what the server generates from the records — in the UI's language or the
// other one; the HTML document (opened or downloaded) and the PDF; and, for holders of
// model.register, an edit mode with one text box per section, saved with PUT …/card (only the
// sections that changed; an empty box removes the written text; the server's 400 is shown as is).
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getModelCard, modelCardUrl, putModelCard } from '../../api/endpoints';
import type { ModelCard, ModelVersion } from '../../api/types';
import { ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { LANGUAGES } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { cardEdits, cardLang, draftsOf, type CardLang } from '../../lib/modelcard';
import { CardSectionView } from './CardSectionView';

/** The query key of a version's card in one language (under the model's key, so a stage move refreshes it). */
export const cardKey = (model: string, version: number, lang: CardLang) => ['model', model, 'version', String(version), 'card', lang];

/** The card's language: the UI's, until the reader picks the other; a change of the UI's follows. */
export function useCardLang(): [CardLang, (l: CardLang) => void] {
  const { i18n } = useTranslation();
  const ui = cardLang(i18n.resolvedLanguage);
  const [lang, setLang] = useState<CardLang>(ui);
  useEffect(() => setLang(ui), [ui]);
  return [lang, setLang];
}

export function CardLangToggle({ lang, onChange }: { lang: CardLang; onChange: (l: CardLang) => void }) {
  const { t } = useTranslation();
  return (
    <span className="segmented" role="group" aria-label={t('registry.card.language')} data-testid="card-lang">
      {LANGUAGES.map((l) => (
        <button
          key={l.code}
          type="button"
          lang={l.code}
          className={lang === l.code ? 'active' : ''}
          aria-pressed={lang === l.code}
          title={t('registry.card.inLanguage', { language: l.label })}
          onClick={() => onChange(l.code)}
        >
          {/* The code, not the name: the header's language switch shows the names. */}
          {l.code.toUpperCase()}
        </button>
      ))}
    </span>
  );
}

export function ModelCardPanel({ v, mayEdit }: { v: ModelVersion; mayEdit: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [lang, setLang] = useCardLang();
  const [editing, setEditing] = useState(false);
  const q = useQuery({ queryKey: cardKey(v.model, v.version, lang), queryFn: () => getModelCard(v.model, v.version, lang) });
  const card = q.data?.card;
  const htmlUrl = modelCardUrl(v.model, v.version, 'html', lang, false);
  return (
    <section className="card" data-testid="model-card" data-lang={lang}>
      <div className="section-head">
        <h2>{t('registry.card.title')}</h2>
        <div className="row gap card-actions">
          {!editing && <CardLangToggle lang={lang} onChange={setLang} />}
          <a className="btn small" href={htmlUrl} target="_blank" rel="noopener noreferrer" data-testid="card-open-html">
            {t('registry.card.openHtml')}
          </a>
          <a className="btn small" href={modelCardUrl(v.model, v.version, 'html', lang)} download data-testid="card-html">
            {t('registry.card.downloadHtml')}
          </a>
          <a className="btn small" href={modelCardUrl(v.model, v.version, 'pdf', lang)} download data-testid="card-pdf">
            {t('registry.card.downloadPdf')}
          </a>
          {mayEdit && !editing && card && (
            <button type="button" className="btn small primary" onClick={() => setEditing(true)} data-testid="card-edit">
              {t('registry.card.edit')}
            </button>
          )}
        </div>
      </div>
      <p className="muted small">{t('registry.card.hint')}</p>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {card &&
        (editing ? (
          <CardEditor v={v} card={card} lang={lang} onDone={() => setEditing(false)} />
        ) : (
          <>
            {card.sections.map((s) => (
              <CardSectionView key={s.key} section={s} documentUrl={htmlUrl} />
            ))}
            <p className="muted small">{t('registry.card.generatedAt', { at: formatDateTime(card.generated_at, locale) })}</p>
          </>
        ))}
    </section>
  );
}

function CardEditor({ v, card, lang, onDone }: { v: ModelVersion; card: ModelCard; lang: CardLang; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [drafts, setDrafts] = useState<Record<string, string>>(() => draftsOf(card.sections));
  const edits = cardEdits(card.sections, drafts);
  const changed = Object.keys(edits).length > 0;
  const m = useMutation({
    mutationFn: () => putModelCard(v.model, v.version, edits, lang),
    onSuccess: async (res) => {
      qc.setQueryData(cardKey(v.model, v.version, lang), res);
      // The other language's card carries the same written text.
      await qc.invalidateQueries({ queryKey: ['model', v.model, 'version', String(v.version), 'card'] });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!changed) {
      onDone();
      return;
    }
    m.mutate();
  };
  return (
    <form className="form card-editor" onSubmit={submit} data-testid="card-editor">
      <p className="muted small">{t('registry.card.editHint')}</p>
      {card.sections.map((s) => (
        <label key={s.key} className="field" data-section={s.key}>
          <span>{s.title}</span>
          <textarea
            name={`card-${s.key}`}
            rows={s.text ? Math.min(12, Math.max(3, s.text.split('\n').length + 1)) : 3}
            value={drafts[s.key] ?? ''}
            onChange={(e) => {
              setDrafts((d) => ({ ...d, [s.key]: e.target.value }));
              m.reset();
            }}
          />
        </label>
      ))}
      <div data-testid="card-save-error">
        <ErrorBox error={m.error} />
      </div>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onDone} disabled={m.isPending}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn primary" disabled={m.isPending}>
          {t('registry.card.save')}
        </button>
      </div>
    </form>
  );
}
