// Under a strategy form: its own check (a translated line) and the server's refusal as it answered.
import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../../components/Status';
import type { FormProblem } from '../../lib/servingStrategy';

/** A form's own problem (as a translated line) and the server's refusal, under `${prefix}-problem` / `${prefix}-error`. */
export function FormOutcome({ prefix, problem, error }: { prefix: string; problem: FormProblem | null; error: unknown }) {
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
    </>
  );
}
