import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { listComponents } from '../../api/endpoints';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTimeShort } from '../../lib/format';
import { quoteArgv } from '../../lib/jobs';

/**
 * A project's components (EXP-3): the latest version of each, with its command template,
 * parameters and inputs/outputs. Components are registered through the API or
 * `moebius component create PROJECT FILE.json`.
 */
export function ComponentsTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const q = useQuery({ queryKey: ['components', project], queryFn: () => listComponents(project) });
  const comps = q.data?.components ?? [];
  return (
    <section data-testid="components">
      <div className="section-head">
        <h2>{t('pipeline.components.title')}</h2>
      </div>
      <p className="muted small">{t('pipeline.components.hint')}</p>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && comps.length === 0 && <Empty>{t('pipeline.components.empty')}</Empty>}
      {comps.length > 0 && (
        <div className="table-scroll">
          <table className="table" data-testid="components-table">
            <thead>
              <tr>
                <th>{t('pipeline.name')}</th>
                <th className="right">{t('pipeline.version')}</th>
                <th>{t('pipeline.components.kind')}</th>
                <th>{t('pipeline.components.command')}</th>
                <th>{t('pipeline.parameters')}</th>
                <th>{t('pipeline.components.inputs')}</th>
                <th>{t('pipeline.components.outputs')}</th>
                <th>{t('pipeline.created')}</th>
              </tr>
            </thead>
            <tbody>
              {comps.map((c) => (
                <tr key={c.name} data-component={c.name}>
                  <td>
                    <strong>{c.name}</strong>
                    {c.definition.description && <div className="muted small">{c.definition.description}</div>}
                  </td>
                  <td className="right mono">{c.version}</td>
                  <td>
                    <span className="status-pill">{t(`pipeline.kinds.${c.definition.kind}`, { defaultValue: c.definition.kind })}</span>
                  </td>
                  <td className="mono small" title={quoteArgv(c.definition.command)}>
                    {quoteArgv(c.definition.command).slice(0, 80)}
                  </td>
                  <td className="small mono">
                    {c.definition.parameters.map((p) => `${p.name}: ${p.type}${p.default !== undefined ? ` = ${JSON.stringify(p.default)}` : ''}`).join(', ')}
                  </td>
                  <td className="small mono">{c.definition.inputs.map((i) => `${i.name} (${i.type})`).join(', ')}</td>
                  <td className="small mono">{c.definition.outputs.map((o) => `${o.name} (${o.type})`).join(', ')}</td>
                  <td className="small nowrap">
                    {formatDateTimeShort(c.created_at, locale)} · {c.created_by}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
