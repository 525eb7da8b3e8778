import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { createSchedule, deleteSchedule, listSchedules } from '../../api/endpoints';
import { Empty, ErrorBox } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { checkCronShape } from '../../lib/cronShape';
import { formatDateTimeShort } from '../../lib/format';
import { parseArgv, quoteArgv } from '../../lib/jobs';

/**
 * Recurring jobs of a project (EXP-9): its cron schedules (UTC) with their next and last fires,
 * a small form to add one (name, cron, command) and Delete — both need job.run.
 */
export function SchedulesSection({ project, canRun }: { project: string; canRun: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const queryClient = useQueryClient();
  const key = ['schedules', project];
  const q = useQuery({ queryKey: key, queryFn: () => listSchedules(project), refetchInterval: 30_000 });
  const [name, setName] = useState('');
  const [cron, setCron] = useState('');
  const [command, setCommand] = useState('');
  const [problem, setProblem] = useState('');
  const create = useMutation({
    mutationFn: (body: unknown) => createSchedule(project, body),
    onSuccess: async () => {
      setName('');
      setCron('');
      setCommand('');
      await queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => deleteSchedule(project, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const schedules = q.data?.schedules ?? [];

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const shape = checkCronShape(cron);
    if (!shape.ok) {
      setProblem(t(`jobrun.cron.${shape.key}`, { count: shape.count ?? 0 }));
      return;
    }
    const argv = parseArgv(command, 'shell');
    if (!argv.ok || argv.value.length === 0) {
      setProblem(t('jobrun.commandProblem'));
      return;
    }
    setProblem('');
    create.mutate({ name: name.trim(), cron: cron.trim(), job: { payload: { command: argv.value } } });
  };

  return (
    <section className="card" data-testid="schedules">
      <h3>{t('jobrun.schedules')}</h3>
      <p className="muted small">{t('jobrun.schedulesHint')}</p>
      <ErrorBox error={q.error} />
      {q.data && schedules.length === 0 && <Empty>{t('jobrun.noSchedules')}</Empty>}
      {schedules.length > 0 && (
        <table className="table" data-testid="schedules-table">
          <thead>
            <tr>
              <th>{t('jobrun.scheduleName')}</th>
              <th>{t('jobrun.cronUtc')}</th>
              <th>{t('jobs.command')}</th>
              <th>{t('jobrun.nextFire')}</th>
              <th>{t('jobrun.lastJob')}</th>
              {canRun && <th />}
            </tr>
          </thead>
          <tbody>
            {schedules.map((s) => (
              <tr key={s.id} data-schedule={s.name}>
                <td>{s.name}</td>
                <td className="mono">{s.cron}</td>
                <td className="mono small">{quoteArgv(s.job.payload?.command ?? [])}</td>
                <td>{formatDateTimeShort(s.next_fire_at, locale)}</td>
                <td>
                  {s.last_job_id ? <Link to={`/jobs/${s.last_job_id}`}>#{s.last_job_id}</Link> : '—'}
                  {s.last_error && <div className="hint error small">{s.last_error}</div>}
                </td>
                {canRun && (
                  <td>
                    <button
                      type="button"
                      className="btn small danger"
                      disabled={remove.isPending}
                      onClick={() => {
                        if (window.confirm(t('jobrun.confirmDelete', { name: s.name }))) remove.mutate(s.id);
                      }}
                    >
                      {t('jobrun.delete')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorBox error={remove.error} />
      {canRun && (
        <form className="inline-form" onSubmit={submit} data-testid="schedule-form">
          <input name="schedule-name" placeholder={t('jobrun.scheduleName')} value={name} onChange={(e) => setName(e.target.value)} required />
          <input name="schedule-cron" className="mono" placeholder="0 3 * * *" value={cron} onChange={(e) => setCron(e.target.value)} required />
          <input
            name="schedule-command"
            className="mono"
            placeholder="python3 train.py"
            value={command}
            onChange={(e) => setCommand(e.target.value)}
            required
          />
          <button type="submit" className="btn" disabled={create.isPending}>
            {t('jobrun.addSchedule')}
          </button>
          {problem && (
            <p className="hint error small" role="alert" data-testid="schedule-problem">
              {problem}
            </p>
          )}
          <ErrorBox error={create.error} />
        </form>
      )}
    </section>
  );
}
