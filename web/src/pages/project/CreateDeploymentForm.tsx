// "New deployment" (POST /projects/{p}/deployments): its name (the v2 model name), environment,
// description and a first variant serving a registered version of the project at weight 100. The
// server loads the version before it answers, and refuses one it cannot serve (or, in production,
// one that no approved request put there) with why.
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { createDeployment } from '../../api/endpoints';
import type { DeploymentEnvironment } from '../../api/types';
import { Modal } from '../../components/Modal';
import { ErrorBox } from '../../components/Status';
import { deploymentPath } from '../../lib/serving';
import { NewVariantFields } from '../deployment/NewVariantFields';
import type { PickedVersion } from '../deployment/VersionPicker';

export const ENVIRONMENTS: DeploymentEnvironment[] = ['development', 'staging', 'production'];

export function CreateDeploymentForm({ project, onClose }: { project: string; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [environment, setEnvironment] = useState<DeploymentEnvironment>('development');
  const [description, setDescription] = useState('');
  const [picked, setPicked] = useState<PickedVersion>({ model: '', version: null });
  const [variant, setVariant] = useState('');
  const [missing, setMissing] = useState(false);
  const create = useMutation({
    mutationFn: (body: Parameters<typeof createDeployment>[1]) => createDeployment(project, body),
    onSuccess: async (res) => {
      await qc.invalidateQueries({ queryKey: ['deployments', project] });
      onClose();
      navigate(deploymentPath(res.deployment.name));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.reset();
    setMissing(picked.version === null);
    if (picked.version === null) return;
    create.mutate({
      name: name.trim(),
      environment,
      description: description.trim() || undefined,
      variants: [{ name: variant.trim() || `v${picked.version}`, model: picked.model, version: picked.version, weight: 100 }],
    });
  };
  return (
    <Modal title={t('serving.create.title')} onClose={onClose}>
      <form className="form" onSubmit={submit} data-testid="create-deployment-form">
        <div className="filter-bar">
          <label className="field">
            <span>{t('serving.name')}</span>
            <input name="deployment-name" className="mono" required autoFocus value={name} onChange={(e) => setName(e.target.value)} />
            <small className="hint">{t('serving.create.nameHint')}</small>
          </label>
          <label className="field">
            <span>{t('serving.environment')}</span>
            <select
              name="deployment-environment"
              value={environment}
              onChange={(e) => setEnvironment(e.target.value as DeploymentEnvironment)}
            >
              {ENVIRONMENTS.map((env) => (
                <option key={env} value={env}>
                  {t(`serving.environments.${env}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label className="field">
          <span>{t('serving.create.description')}</span>
          <input name="deployment-description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <h4>{t('serving.create.firstVariant')}</h4>
        <NewVariantFields project={project} picked={picked} onPick={setPicked} name={variant} onName={setVariant} prefix="create" />
        {environment === 'production' && <p className="hint warn small">{t('serving.create.productionHint')}</p>}
        {missing && (
          <div className="error-box" role="alert">
            {t('serving.problems.pickVersion')}
          </div>
        )}
        <div data-testid="create-deployment-error">
          <ErrorBox error={create.error} />
        </div>
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn primary" disabled={create.isPending}>
            {t('serving.create.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
