import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { validateCriteria } from '../../api/endpoints';
import { criteriaErrorPosition } from '../../lib/criteria';

export type CriteriaState =
  | { kind: 'empty' }
  | { kind: 'checking' }
  | { kind: 'valid'; metrics: string[]; canonical?: string }
  | { kind: 'invalid'; message: string; position: number | null }
  | { kind: 'unavailable'; message: string };

/**
 * A text area for acceptance criteria (`test.f1 >= 0.85 and perf.latency_p99_ms <= 50`: test.f1 is metric f1 of evaluation test, logged as test_f1), checked by the
 * server as the user types; a syntax error is shown with a caret under its position.
 */
export function CriteriaInput({
  value,
  onChange,
  onState,
}: {
  value: string;
  onChange: (v: string) => void;
  onState?: (s: CriteriaState) => void;
}) {
  const { t } = useTranslation();
  const [state, setState] = useState<CriteriaState>({ kind: 'empty' });

  useEffect(() => {
    const expr = value.trim();
    if (!expr) {
      setState({ kind: 'empty' });
      return;
    }
    setState({ kind: 'checking' });
    const ctl = new AbortController();
    const timer = window.setTimeout(() => {
      validateCriteria(value, ctl.signal)
        .then((res) => {
          if (res.valid === false) setState({ kind: 'invalid', message: t('criteria.invalid'), position: null });
          else setState({ kind: 'valid', metrics: res.metrics ?? [], canonical: res.canonical });
        })
        .catch((e: unknown) => {
          if (ctl.signal.aborted) return;
          if (e instanceof ApiError && e.status === 400) {
            setState({ kind: 'invalid', message: e.message, position: criteriaErrorPosition(e) });
          } else {
            setState({ kind: 'unavailable', message: e instanceof Error ? e.message : String(e) });
          }
        });
    }, 300);
    return () => {
      ctl.abort();
      window.clearTimeout(timer);
    };
  }, [value, t]);

  useEffect(() => onState?.(state), [state, onState]);

  return (
    <div className="criteria">
      <textarea
        name="acceptance_criteria"
        className={state.kind === 'invalid' ? 'mono invalid' : 'mono'}
        rows={2}
        spellCheck={false}
        placeholder="test.f1 >= 0.85 and perf.latency_p99_ms <= 50"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={state.kind === 'invalid'}
      />
      {state.kind === 'checking' && <small className="hint">{t('criteria.checking')}</small>}
      {state.kind === 'valid' && (
        <small className="hint ok">
          {t('criteria.valid')}
          {state.metrics.length > 0 && ` — ${t('criteria.metrics', { metrics: state.metrics.join(', ') })}`}
          {state.canonical && state.canonical !== value.trim() && (
            <>
              {' — '}
              {t('criteria.canonical')} <code>{state.canonical}</code>
            </>
          )}
        </small>
      )}
      {state.kind === 'invalid' && (
        <div className="criteria-error" role="alert">
          {state.position !== null && (
            <pre className="caret-view" aria-hidden="true">
              {value.replace(/\n/g, ' ')}
              {'\n'}
              {' '.repeat(Math.min(state.position, value.length))}^
            </pre>
          )}
          <small className="hint error">
            {state.position !== null ? t('criteria.errorAt', { position: state.position + 1 }) + ' ' : ''}
            {state.message}
          </small>
        </div>
      )}
      {state.kind === 'unavailable' && (
        <small className="hint error">{t('criteria.unavailable', { message: state.message })}</small>
      )}
    </div>
  );
}
