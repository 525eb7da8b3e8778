// A deployment's captured requests, newest first (GET /deployments/{d}/captures): when, the request
// id, the variant that answered (shadow answers marked), latency, inputs and outputs in short, and
// the ground truth attached to it; filtered by variant and to those with feedback. Holders of
// deploy.write attach feedback to a request id.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { listCaptures } from '../../api/endpoints';
import type { CapturedRequest, CapturedTensor, DeploymentDetail } from '../../api/types';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTime, formatNumber } from '../../lib/format';
import { feedbackText, formatMs, formatShare, tensorSummary } from '../../lib/servingStrategy';
import { FeedbackForm } from './FeedbackForm';
import { VariantName } from './VariantName';

const LIMITS = [50, 200, 1000];

export const capturesKey = (name: string) => ['captures', name];

export function CapturesTab({ deployment, mayWrite }: { deployment: DeploymentDetail; mayWrite: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [variant, setVariant] = useState('');
  const [feedbackOnly, setFeedbackOnly] = useState(false);
  const [limit, setLimit] = useState(50);
  const [requestId, setRequestId] = useState('');
  const name = deployment.name;
  const q = useQuery({
    queryKey: [...capturesKey(name), variant, feedbackOnly, limit],
    queryFn: () => listCaptures(name, { variant: variant || undefined, feedbackOnly, limit }),
    refetchInterval: 5000,
  });
  const captures = q.data?.captures ?? [];
  return (
    <section className="card" data-testid="captures">
      <h2>{t('serving.captures.title')}</h2>
      {q.data && (
        <p className="muted small" data-testid="captures-counts">
          {t('serving.live.captured', {
            rate: formatShare(q.data.capture_rate),
            written: formatNumber(q.data.counts.written, locale),
            dropped: formatNumber(q.data.counts.dropped, locale),
            queued: formatNumber(q.data.counts.queued, locale),
          })}
        </p>
      )}
      <div className="filter-bar">
        <label className="field">
          <span>{t('serving.variant')}</span>
          <select name="captures-variant" value={variant} onChange={(e) => setVariant(e.target.value)}>
            <option value="">{t('serving.captures.allVariants')}</option>
            {deployment.variants.map((v) => (
              <option key={v.name} value={v.name}>
                {v.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('serving.captures.limit')}</span>
          <select name="captures-limit" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {LIMITS.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className="check-row">
          <input type="checkbox" name="captures-feedback-only" checked={feedbackOnly} onChange={(e) => setFeedbackOnly(e.target.checked)} />
          {t('serving.captures.feedbackOnly')}
        </label>
      </div>
      {mayWrite && <FeedbackForm deployment={name} requestId={requestId} onRequestId={setRequestId} />}
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && captures.length === 0 && <Empty>{t('serving.captures.empty')}</Empty>}
      {captures.length > 0 && (
        <div className="table-scroll">
          <table className="table compact" data-testid="captures-table">
            <thead>
              <tr>
                <th>{t('serving.at')}</th>
                <th>{t('serving.captures.requestId')}</th>
                <th>{t('serving.variant')}</th>
                <th className="right">{t('serving.captures.latency')}</th>
                <th>{t('serving.captures.inputs')}</th>
                <th>{t('serving.captures.outputs')}</th>
                <th>{t('serving.captures.feedback')}</th>
              </tr>
            </thead>
            <tbody>
              {captures.map((c, i) => (
                <CaptureRow
                  key={`${c.id}-${c.shadow ? 's' : 'l'}-${i}`}
                  c={c}
                  locale={locale}
                  onPick={mayWrite ? () => setRequestId(c.id) : undefined}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Tensors({ tensors }: { tensors: Record<string, CapturedTensor> }) {
  return (
    <>
      {Object.entries(tensors).map(([k, v]) => (
        <div key={k} className="small mono break">
          <span className="muted">{k}:</span> {tensorSummary(v)}
        </div>
      ))}
    </>
  );
}

function CaptureRow({ c, locale, onPick }: { c: CapturedRequest; locale: string; onPick?: () => void }) {
  const { t } = useTranslation();
  return (
    <tr data-request={c.id} data-shadow={c.shadow ? 'true' : 'false'}>
      <td className="small nowrap">{formatDateTime(c.at, locale)}</td>
      <td className="mono small break" data-stat="request-id">
        {onPick ? (
          <button type="button" className="btn ghost small" title={t('serving.captures.pick')} onClick={onPick}>
            {c.id}
          </button>
        ) : (
          c.id
        )}
      </td>
      <td className="mono">
        <VariantName name={c.variant} shadow={c.shadow} />
        <div className="muted small">
          {c.model} v{c.version}
        </div>
      </td>
      <td className="right mono" data-stat="latency">
        {formatMs(c.latency_ms, true)}
      </td>
      <td data-stat="inputs">
        <Tensors tensors={c.inputs} />
      </td>
      <td data-stat="outputs">
        {c.error ? <span className="fail small">{c.error}</span> : <Tensors tensors={c.outputs} />}
      </td>
      <td className="mono small break" data-stat="feedback">
        {c.feedback !== undefined ? feedbackText(c.feedback) : <span className="muted">—</span>}
      </td>
    </tr>
  );
}
