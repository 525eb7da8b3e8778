// A project's labeling projects with their progress, and the forms that define a label schema
// (classes with colours, hotkeys and descriptions; a name that exists gets its next version) and
// start a labeling project over a dataset version.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { createLabelingProject, listLabelSchemas, listLabelingProjects, saveLabelSchema } from '../../api/labelEndpoints';
import type { LabelClass, TaskType } from '../../api/labelTypes';
import { useAuth } from '../../components/auth';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { TASK_TYPES } from '../../lib/label';

const PALETTE = ['#e03131', '#1c7ed6', '#2f9e44', '#f08c00', '#9c36b5', '#0c8599', '#5c940d', '#d6336c', '#495057'];

/** "car, bus" → classes with colours from the palette and hotkeys 1..9. */
export function classesFromText(text: string): LabelClass[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((name, i) => ({ name, color: PALETTE[i % PALETTE.length], hotkey: i < 9 ? String(i + 1) : '', description: '' }));
}

function SchemaForm({ project }: { project: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [type, setType] = useState<TaskType>('object_detection');
  const [classes, setClasses] = useState('');
  const [multi, setMulti] = useState(false);
  const [overlap, setOverlap] = useState(false);
  const m = useMutation({
    mutationFn: () =>
      saveLabelSchema(project, name, {
        task_type: type,
        classes: classesFromText(classes),
        multi_label: multi && (type === 'image_classification' || type === 'text_classification'),
        allow_overlap: overlap && type === 'ner',
      }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['label-schemas', project] }),
  });
  return (
    <form
      className="form-grid"
      data-testid="schema-form"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate();
      }}
    >
      <label>
        {t('labeling.schemaName')}
        <input className="input" data-testid="schema-name" value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label>
        {t('labeling.taskType')}
        <select data-testid="schema-type" value={type} onChange={(e) => setType(e.target.value as TaskType)}>
          {TASK_TYPES.map((k) => (
            <option key={k} value={k}>
              {t(`labeling.taskTypes.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('labeling.classesField')}
        <input className="input" data-testid="schema-classes" value={classes} placeholder="car, bus" onChange={(e) => setClasses(e.target.value)} />
      </label>
      {(type === 'image_classification' || type === 'text_classification') && (
        <label className="checkbox">
          <input type="checkbox" checked={multi} onChange={(e) => setMulti(e.target.checked)} /> {t('labeling.multiLabel')}
        </label>
      )}
      {type === 'ner' && (
        <label className="checkbox">
          <input type="checkbox" checked={overlap} onChange={(e) => setOverlap(e.target.checked)} /> {t('labeling.allowOverlap')}
        </label>
      )}
      <button type="submit" className="btn" data-testid="schema-save" disabled={m.isPending || !name}>
        {t('labeling.saveSchema')}
      </button>
      <ErrorBox error={m.error} />
      {m.data && (
        <span className="muted small" data-testid="schema-saved">
          {t('labeling.schemaSaved', { name: m.data.schema.name, version: m.data.schema.version })}
        </span>
      )}
    </form>
  );
}

function ProjectForm({ project }: { project: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const schemas = useQuery({ queryKey: ['label-schemas', project], queryFn: () => listLabelSchemas(project) });
  const [form, setForm] = useState({ name: '', dataset: '', version: 'v1', schema: '', overlap: '1', batch: '100' });
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ ...form, [k]: e.target.value });
  const names = [...new Set((schemas.data?.schemas ?? []).map((s) => s.name))];
  const m = useMutation({
    mutationFn: () =>
      createLabelingProject(project, {
        name: form.name,
        dataset: form.dataset,
        version: form.version,
        schema: form.schema || names[0],
        overlap: Number(form.overlap),
        batch_size: Number(form.batch),
      }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['labeling-projects', project] }),
  });
  return (
    <form
      className="form-grid"
      data-testid="labeling-form"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate();
      }}
    >
      <label>
        {t('labeling.projectName')}
        <input className="input" data-testid="lp-name" value={form.name} onChange={set('name')} required />
      </label>
      <label>
        {t('labeling.dataset')}
        <input className="input" data-testid="lp-dataset" value={form.dataset} onChange={set('dataset')} required />
      </label>
      <label>
        {t('labeling.version')}
        <input className="input" data-testid="lp-version" value={form.version} onChange={set('version')} required />
      </label>
      <label>
        {t('labeling.schema')}
        <select data-testid="lp-schema" value={form.schema || names[0] || ''} onChange={set('schema')}>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('labeling.overlap')}
        <input className="input" type="number" min={1} max={10} value={form.overlap} onChange={set('overlap')} />
      </label>
      <label>
        {t('labeling.batchSize')}
        <input className="input" type="number" min={1} value={form.batch} onChange={set('batch')} />
      </label>
      <button type="submit" className="btn primary" data-testid="lp-create" disabled={m.isPending || names.length === 0}>
        {t('common.create')}
      </button>
      <ErrorBox error={m.error} />
    </form>
  );
}

export function LabelingTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const q = useQuery({ queryKey: ['labeling-projects', project], queryFn: () => listLabelingProjects(project) });
  const lps = q.data?.labeling_projects ?? [];
  return (
    <section data-testid="labeling">
      <div className="section-head">
        <h2>{t('labeling.title')}</h2>
      </div>
      <p className="muted small">{t('labeling.hint')}</p>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && lps.length === 0 && <Empty>{t('labeling.empty')}</Empty>}
      {lps.length > 0 && (
        <table className="table" data-testid="labeling-table">
          <thead>
            <tr>
              <th>{t('labeling.projectName')}</th>
              <th>{t('labeling.dataset')}</th>
              <th>{t('labeling.schema')}</th>
              <th>{t('labeling.progress')}</th>
              <th>{t('labeling.state')}</th>
            </tr>
          </thead>
          <tbody>
            {lps.map((lp) => (
              <tr key={lp.id} data-labeling={lp.name}>
                <td>
                  <Link to={`/projects/${encodeURIComponent(project)}/labeling/${encodeURIComponent(lp.name)}`}>{lp.name}</Link>
                </td>
                <td>
                  {lp.dataset} {lp.data_version}
                </td>
                <td>
                  {lp.schema.name} v{lp.schema.version} · {t(`labeling.taskTypes.${lp.schema.task_type}`)}
                </td>
                <td>{t('labeling.acceptedOf', { accepted: lp.progress.accepted_items, total: lp.item_count })}</td>
                <td>
                  {lp.state === 'finished' ? t('labeling.finishedAs', { version: lp.result_version ?? '' }) : t('labeling.open')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {can('label.manage', project) && (
        <>
          <h3>{t('labeling.newSchema')}</h3>
          <SchemaForm project={project} />
          <h3>{t('labeling.newProject')}</h3>
          <ProjectForm project={project} />
        </>
      )}
    </section>
  );
}
