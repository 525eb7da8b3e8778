// The end of a strategy form: the reason recorded with the change, the form's own check (a
// translated line), the server's refusal as it answered, and the submit button.
import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../../components/Status';
import type { FormProblem } from '../../lib/servingStrategy';

export function ReasonField({ name, value, onChange }: { name: string; value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  return (
    <label className="field">
      <span>{t('serving.reason')}</span>
      <input name={name} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

/** Under `${prefix}-problem` / `${prefix}-error`; the button reads `label` and waits while `pending`. */
export function FormFooter({
  prefix,
  problem,
  error,
  pending,
  label,
}: {
  prefix: string;
  problem: FormProblem | null;
  error: unknown;
  pending: boolean;
  label: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      {problem && (
        <div className="error-box" role="alert" data-testid={`${prefix}-problem`}>
          {t(`serving.problems.${problem}`)}
        </div>
      )}
      <div data-testid={`${prefix}-error`}>
        <ErrorBox error={error} />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={pending}>
          {label}
        </button>
      </div>
    </>
  );
}
