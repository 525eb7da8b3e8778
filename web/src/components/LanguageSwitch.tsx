import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="lang-switch" role="group" aria-label={t('header.language')}>
      {LANGUAGES.map((l) => (
        <button
          key={l.code}
          type="button"
          lang={l.code}
          className={i18n.resolvedLanguage === l.code ? 'active' : ''}
          aria-pressed={i18n.resolvedLanguage === l.code}
          onClick={() => setLanguage(l.code as Language)}
        >
          {l.label}
        </button>
      ))}
    </div>
  );
}
