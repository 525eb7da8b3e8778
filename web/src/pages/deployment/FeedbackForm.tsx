// Ground truth for one request (POST /deployments/{d}/feedback): its id (from X-Moebius-Request-Id,
// or picked from the captures below) and a value, read as JSON when it parses (1, true,
// {"label": 1}) and as text otherwise. Feedback for the same id replaces the earlier one.
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { postFeedback } from '../../api/endpoints';
import { parseFeedbackValue, type FormProblem } from '../../lib/servingStrategy';
import { FormFooter } from './FormOutcome';

export function FeedbackForm({ deployment, requestId, onRequestId }: { deployment: string; requestId: string; onRequestId: (id: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const send = useMutation({
    mutationFn: (v: { id: string; value: unknown }) => postFeedback(deployment, v.id, v.value),
    onSuccess: async () => {
      setValue('');
      await qc.invalidateQueries({ queryKey: ['captures', deployment] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.reset();
    const id = requestId.trim();
    const v = parseFeedbackValue(value);
    const p: FormProblem | null = id === '' || id.length > 256 ? 'feedbackId' : !v.ok ? v.problem : null;
    setProblem(p);
    if (p || !v.ok) return;
    send.mutate({ id, value: v.value });
  };
  return (
    <form className="form subform" onSubmit={submit} data-testid="feedback-form">
      <h3>{t('serving.feedback.title')}</h3>
      <div className="filter-bar">
        <label className="field">
          <span>{t('serving.captures.requestId')}</span>
          <input name="feedback-request-id" className="mono" value={requestId} onChange={(e) => onRequestId(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('serving.feedback.value')}</span>
          <input name="feedback-value" className="mono" value={value} onChange={(e) => setValue(e.target.value)} />
          <small className="hint">{t('serving.feedback.valueHint')}</small>
        </label>
      </div>
      {send.isSuccess && (
        <p className="hint ok" data-testid="feedback-done">
          {t('serving.feedback.saved')}
        </p>
      )}
      <FormFooter prefix="feedback" problem={problem} error={send.error} pending={send.isPending} label={t('serving.feedback.submit')} />
    </form>
  );
}
