// A registered model version of a project, picked as model then version (with its stage); retired
// versions are left out, since the server never serves them.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getModel, listModels } from '../../api/endpoints';
import { ErrorBox } from '../../components/Status';

export interface PickedVersion {
  model: string;
  version: number | null;
}

export function VersionPicker({
  project,
  value,
  onChange,
  prefix,
}: {
  project: string;
  value: PickedVersion;
  onChange: (v: PickedVersion) => void;
  /** names the inputs: `${prefix}-model`, `${prefix}-version` */
  prefix: string;
}) {
  const { t } = useTranslation();
  const models = useQuery({ queryKey: ['models', project, ''], queryFn: () => listModels(project), enabled: project !== '' });
  const model = useQuery({ queryKey: ['model', value.model], queryFn: () => getModel(value.model), enabled: value.model !== '' });
  const versions = (model.data?.versions ?? []).filter((v) => !v.retirement).sort((a, b) => b.version - a.version);
  return (
    <>
      <label className="field">
        <span>{t('serving.model')}</span>
        <select
          name={`${prefix}-model`}
          value={value.model}
          onChange={(e) => onChange({ model: e.target.value, version: null })}
        >
          <option value="">{t('serving.pickModel')}</option>
          {(models.data?.models ?? []).map((m) => (
            <option key={m.id} value={m.name}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('serving.version')}</span>
        <select
          name={`${prefix}-version`}
          value={value.version ?? ''}
          disabled={value.model === ''}
          onChange={(e) => onChange({ model: value.model, version: e.target.value === '' ? null : Number(e.target.value) })}
        >
          <option value="">{t('serving.pickVersion')}</option>
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              v{v.version} · {t(`registry.stages.${v.stage}`)}
            </option>
          ))}
        </select>
      </label>
      <ErrorBox error={models.error ?? model.error} />
    </>
  );
}
