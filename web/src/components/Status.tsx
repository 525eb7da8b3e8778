import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

export function Loading({ inline }: { inline?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className={inline ? 'loading inline' : 'loading'} role="status">
      <span className="spinner" aria-hidden="true" />
      {t('common.loading')}
    </div>
  );
}

/** Shows an API error: the server's message, with its code for reference. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  let message: string;
  let code: string | undefined;
  if (error instanceof ApiError) {
    message = error.status === 0 ? t('errors.network', { message: error.message }) : error.message;
    code = error.status === 0 ? undefined : error.code;
    if (error.status === 403) message = `${t('errors.forbidden')} ${error.message}`;
    if (error.status === 404 && error.code === 'ENDPOINT_NOT_FOUND') message = t('errors.notAvailable');
  } else if (error instanceof Error) {
    message = error.message;
  } else {
    message = String(error);
  }
  return (
    <div className="error-box" role="alert">
      {title && <strong>{title} </strong>}
      {message}
      {code && <span className="error-code">{code}</span>}
    </div>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <div className="empty">{children}</div>;
}
