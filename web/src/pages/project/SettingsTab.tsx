// A project's settings. The registry's: how many approvals a production request needs (REG-5),
// 1 to 5; project managers change it, everyone else who reads the project sees it. A request keeps
// the number it was made with.
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getRegistrySettings, putRegistrySettings } from '../../api/endpoints';
import { useAuth } from '../../components/auth';
import { ErrorBox, Loading } from '../../components/Status';
import { MAX_REQUIRED_APPROVALS, MIN_REQUIRED_APPROVALS, parseRequiredApprovals } from '../../lib/approvals';

export const registrySettingsKey = (project: string) => ['registry-settings', project];

export function SettingsTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const manage = can('project.manage', project);
  const qc = useQueryClient();
  const q = useQuery({ queryKey: registrySettingsKey(project), queryFn: () => getRegistrySettings(project) });
  const current = q.data?.required_approvals;
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (current !== undefined) setText(String(current));
  }, [current]);
  const save = useMutation({
    mutationFn: (n: number) => putRegistrySettings(project, n),
    onSuccess: (res) => qc.setQueryData(registrySettingsKey(project), res),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = parseRequiredApprovals(text);
    if (!n.ok) {
      setProblem(n.error);
      return;
    }
    setProblem(null);
    save.mutate(n.value);
  };
  return (
    <section data-testid="project-settings">
      <div className="section-head">
        <h2>{t('approvals.settings.title')}</h2>
      </div>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {current !== undefined && (
        <div className="card">
          <h3>{t('approvals.settings.requiredApprovals')}</h3>
          <p className="muted small">{t('approvals.settings.hint')}</p>
          {manage ? (
            <form className="inline-form" onSubmit={submit} data-testid="registry-settings-form" noValidate>
              <label className="field narrow-num">
                <span className="visually-hidden">{t('approvals.settings.requiredApprovals')}</span>
                <input
                  type="number"
                  name="required-approvals"
                  min={MIN_REQUIRED_APPROVALS}
                  max={MAX_REQUIRED_APPROVALS}
                  step={1}
                  value={text}
                  aria-invalid={problem ? true : undefined}
                  onChange={(e) => {
                    setText(e.target.value);
                    setProblem(null);
                    save.reset();
                  }}
                />
              </label>
              <button type="submit" className="btn primary" disabled={save.isPending || text === String(current)}>
                {t('approvals.settings.save')}
              </button>
              {save.isSuccess && (
                <span className="hint ok" role="status" data-testid="registry-settings-saved">
                  {t('approvals.settings.saved', { count: current })}
                </span>
              )}
            </form>
          ) : (
            <p data-testid="required-approvals">
              <strong className="mono">{current}</strong> · <span className="muted small">{t('approvals.settings.readOnly')}</span>
            </p>
          )}
          {problem && (
            <p className="hint error" role="alert">
              {t(problem)}
            </p>
          )}
          <ErrorBox error={save.error} />
        </div>
      )}
    </section>
  );
}
