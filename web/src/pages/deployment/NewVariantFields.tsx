// The fields shared by the canary and switch forms: the registered version a new variant serves and
// its name (the server's default is "v<version>").
import { useTranslation } from 'react-i18next';
import { VersionPicker, type PickedVersion } from './VersionPicker';

export function NewVariantFields({
  project,
  picked,
  onPick,
  name,
  onName,
  prefix,
}: {
  project: string;
  picked: PickedVersion;
  onPick: (v: PickedVersion) => void;
  name: string;
  onName: (name: string) => void;
  prefix: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="filter-bar">
      <VersionPicker project={project} value={picked} onChange={onPick} prefix={prefix} />
      <label className="field">
        <span>{t('serving.variantName')}</span>
        <input
          name={`${prefix}-name`}
          className="mono"
          placeholder={picked.version !== null ? `v${picked.version}` : ''}
          value={name}
          onChange={(e) => onName(e.target.value)}
        />
      </label>
    </div>
  );
}
