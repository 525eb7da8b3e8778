// A registered model (REG-1 to REG-3): its description, tags and aliases, every version with
// its stage, format, flavor, source and aliases, newest first, and one version's lineage as a graph
// (the newest unless another is picked). A version's page has its files, signature, lineage, model
// card, stage history and the stage and alias actions.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { getModel } from '../../api/endpoints';
import type { ModelVersion } from '../../api/types';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { StageChip } from '../../components/StageChip';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTime, formatDateTimeShort } from '../../lib/format';
import { aliasList, versionPath } from '../../lib/registry';
import { LineageGraph } from './LineageGraph';
import { useModelProject } from './useModelProject';

export default function ModelPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { model = '' } = useParams();
  const q = useQuery({ queryKey: ['model', model], queryFn: () => getModel(model) });
  const m = q.data?.model;
  const versions = q.data?.versions ?? [];
  const project = useModelProject(m?.project_id);
  return (
    <div className="page">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          ...(project ? [{ label: project.display_name || project.name, to: `/projects/${encodeURIComponent(project.name)}?tab=models` }] : []),
          { label: model },
        ]}
      />
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {m && (
        <>
          <div className="page-head">
            <div>
              <h1 data-testid="model-name">{m.name}</h1>
              <div className="muted small">
                {t('registry.createdBy', { by: m.created_by, at: formatDateTime(m.created_at, locale) })}
              </div>
              {m.description && <p className="muted">{m.description}</p>}
            </div>
          </div>
          <div className="two-col">
            <section className="card">
              <h2>{t('registry.aliases')}</h2>
              {aliasList(m.aliases).length === 0 ? (
                <Empty>{t('registry.noAliases')}</Empty>
              ) : (
                <ul className="plain-list" data-testid="model-aliases">
                  {aliasList(m.aliases).map(([a, v]) => (
                    <li key={a}>
                      <span className="badge alias">@{a}</span> → <Link to={versionPath(m.name, v)}>v{v}</Link>
                    </li>
                  ))}
                </ul>
              )}
              <p className="muted small">{t('registry.aliasesHint')}</p>
            </section>
            <section className="card">
              <h2>{t('registry.tags')}</h2>
              {m.tags.length === 0 ? (
                <Empty>{t('registry.noTags')}</Empty>
              ) : (
                <table className="table compact">
                  <tbody>
                    {m.tags.map((tag) => (
                      <tr key={tag.key}>
                        <td className="mono">{tag.key}</td>
                        <td className="mono break">{tag.value}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
          <section className="card">
            <h2>{t('registry.versions')}</h2>
            {versions.length === 0 ? <Empty>{t('registry.noVersions')}</Empty> : <VersionsTable versions={versions} locale={locale} />}
          </section>
          {versions.length > 0 && <LineageSection versions={versions} projectName={project?.name} />}
        </>
      )}
    </div>
  );
}

function VersionsTable({ versions, locale }: { versions: ModelVersion[]; locale: string }) {
  const { t } = useTranslation();
  return (
    <div className="table-scroll">
      <table className="table" data-testid="versions-table">
        <thead>
          <tr>
            <th>{t('registry.version')}</th>
            <th>{t('registry.stage')}</th>
            <th>{t('registry.format')}</th>
            <th>{t('registry.flavor')}</th>
            <th>{t('registry.source')}</th>
            <th>{t('registry.created')}</th>
            <th>{t('registry.aliases')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id} data-version={v.version}>
              <td className="mono">
                <Link to={versionPath(v.model, v.version)}>v{v.version}</Link>
              </td>
              <td>
                <StageChip stage={v.stage} />
              </td>
              <td>{v.format}</td>
              <td>{v.flavor}</td>
              <td className="mono small break">
                {v.run_id ? <Link to={`/runs/${encodeURIComponent(v.run_id)}`}>{v.source}</Link> : v.source}
              </td>
              <td className="small nowrap">
                {formatDateTimeShort(v.created_at, locale)}
                <div className="muted">{v.created_by}</div>
              </td>
              <td>
                {v.aliases.map((a) => (
                  <span key={a} className="badge alias">
                    @{a}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LineageSection({ versions, projectName }: { versions: ModelVersion[]; projectName?: string }) {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<number | null>(null);
  // The newest version unless another is picked (and still listed).
  const v = versions.find((x) => x.version === picked) ?? versions[0];
  return (
    <section className="card" data-testid="model-lineage">
      <div className="section-head">
        <h2>{t('registry.lineageGraph.title')}</h2>
        <label className="inline-field">
          <span>{t('registry.version')}</span>
          <select name="lineage-version" value={v.version} onChange={(e) => setPicked(Number(e.target.value))}>
            {versions.map((x) => (
              <option key={x.id} value={x.version}>
                v{x.version}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted small">{t('registry.lineageGraph.hint')}</p>
      <LineageGraph v={v} projectName={projectName} />
    </section>
  );
}
