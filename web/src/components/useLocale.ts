import { useTranslation } from 'react-i18next';

/** The BCP 47 locale for Intl formatting that matches the UI language. */
export function useLocale(): string {
  const { i18n } = useTranslation();
  return i18n.resolvedLanguage === 'ko' ? 'ko-KR' : 'en-US';
}
