import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { deleteMember, listMembers, putMember } from '../../api/endpoints';
import { useAuth } from '../../components/auth';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTime } from '../../lib/format';

export const ROLES = [
  'admin',
  'project-manager',
  'data-engineer',
  'labeler',
  'model-developer',
  'approver',
  'operator',
  'viewer',
] as const;

export function MembersTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { can, me } = useAuth();
  const queryClient = useQueryClient();
  const manage = can('member.manage', project);
  const q = useQuery({ queryKey: ['members', project], queryFn: () => listMembers(project) });
  const members = q.data?.members ?? [];
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['members', project] });
    await queryClient.invalidateQueries({ queryKey: ['auth'] });
  };
  const change = useMutation({
    mutationFn: ({ user, role }: { user: string; role: string }) => putMember(project, user, role),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (user: string) => deleteMember(project, user),
    onSuccess: refresh,
  });

  return (
    <section>
      <div className="section-head">
        <h2>{t('members.title')}</h2>
      </div>
      {!manage && q.data && <p className="muted small">{t('members.readOnly')}</p>}
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      <ErrorBox error={change.error ?? remove.error} />
      {q.data && members.length === 0 && <Empty>{t('members.empty')}</Empty>}
      {members.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>{t('members.user')}</th>
              <th>{t('members.role')}</th>
              <th>{t('members.added')}</th>
              {manage && <th aria-label={t('common.actions')} />}
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.username}>
                <td>
                  {m.username}
                  {m.username === me?.user.username && <span className="badge">{t('members.you')}</span>}
                </td>
                <td>
                  {manage ? (
                    <select
                      aria-label={t('members.role')}
                      value={m.role}
                      disabled={change.isPending}
                      onChange={(e) => change.mutate({ user: m.username, role: e.target.value })}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {t(`roles.${r}`)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    t(`roles.${m.role}`, { defaultValue: m.role })
                  )}
                </td>
                <td>{formatDateTime(m.added_at, locale)}</td>
                {manage && (
                  <td className="right">
                    <button
                      type="button"
                      className="btn small danger"
                      disabled={remove.isPending}
                      onClick={() => {
                        if (window.confirm(t('members.confirmRemove', { user: m.username }))) remove.mutate(m.username);
                      }}
                    >
                      {t('members.remove')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {manage && <AddMember project={project} onAdded={refresh} />}
    </section>
  );
}

function AddMember({ project, onAdded }: { project: string; onAdded: () => Promise<void> }) {
  const { t } = useTranslation();
  const [user, setUser] = useState('');
  const [role, setRole] = useState<string>('model-developer');
  const m = useMutation({
    mutationFn: () => putMember(project, user.trim(), role),
    onSuccess: async () => {
      setUser('');
      await onAdded();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (user.trim()) m.mutate();
  };
  return (
    <form className="card inline-form" onSubmit={submit}>
      <h3>{t('members.add')}</h3>
      <div className="row">
        <label className="field">
          <span>{t('members.user')}</span>
          <input name="username" value={user} onChange={(e) => setUser(e.target.value)} required />
        </label>
        <label className="field">
          <span>{t('members.role')}</span>
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn primary" disabled={!user.trim() || m.isPending}>
          {t('members.addButton')}
        </button>
      </div>
      <ErrorBox error={m.error} />
    </form>
  );
}
