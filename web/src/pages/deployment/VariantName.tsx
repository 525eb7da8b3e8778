import { useTranslation } from 'react-i18next';

/** A variant's name, marked when it is (or answered as) the shadow mirror. */
export function VariantName({ name, shadow }: { name: string; shadow?: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      {name}
      {shadow && <span className="badge shadow">{t('serving.shadowBadge')}</span>}
    </>
  );
}
