// What the inbox, the request page, the version page and the navigation share: the query keys of
// the approvals API (all under 'approvals', so one invalidation refreshes every view) and the box
// that shows the server's refusals.
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import type { RequestState } from '../../api/types';
import { ErrorBox } from '../../components/Status';
import { refusalKey } from '../../lib/approvals';

export const approvalsKey = (params: { state?: RequestState; project?: string } = {}) => ['approvals', 'list', params.state ?? '', params.project ?? ''];
export const approvalKey = (id: string | number) => ['approvals', 'one', String(id)];

/**
 * The server's answer to a refused action: for the approvals API's 409 reasons (SELF_APPROVAL,
 * NOT_REQUESTER, …) a sentence of ours first, then the server's message and its code, as is.
 */
export function RefusalBox({ error, testId }: { error: unknown; testId?: string }) {
  const { t } = useTranslation();
  const key = refusalKey(error);
  if (!key || !(error instanceof ApiError)) {
    return error ? (
      <div data-testid={testId}>
        <ErrorBox error={error} />
      </div>
    ) : null;
  }
  return (
    <div className="error-box" role="alert" data-testid={testId} data-code={error.code}>
      <strong>{t(key)}</strong> {error.message}
      <span className="error-code">{error.code}</span>
    </div>
  );
}
