import { NavLink, Outlet } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { listApprovals } from '../api/endpoints';
import { awaitingCount } from '../lib/approvals';
import { approvalsKey } from '../pages/approvals/shared';
import { useAuth } from './auth';
import { LanguageSwitch } from './LanguageSwitch';

export function Layout() {
  const { t } = useTranslation();
  const { me, logout } = useAuth();
  const name = me?.user.display_name || me?.user.username;
  // The inbox's count: pending requests awaiting this user's review (the inbox shares this query).
  const pending = useQuery({
    queryKey: approvalsKey({ state: 'pending' }),
    queryFn: () => listApprovals({ state: 'pending' }),
    enabled: !!me,
    refetchInterval: 60_000,
    retry: false,
  });
  const awaiting = awaitingCount(pending.data?.requests);
  return (
    <div className="app">
      <header className="topbar">
        <NavLink to="/projects" className="brand" aria-label={t('app.name')}>
          <span className="brand-mark" aria-hidden="true">∞</span>
          <span>{t('app.name')}</span>
        </NavLink>
        <nav className="topnav">
          <NavLink to="/projects">{t('nav.projects')}</NavLink>
          <NavLink to="/datasets">{t('nav.datasets')}</NavLink>
          <NavLink to="/approvals" data-testid="nav-approvals">
            {t('nav.approvals')}
            {awaiting > 0 && (
              <span className="nav-count" data-testid="approvals-count" title={t('nav.awaitingReview', { count: awaiting })}>
                {awaiting}
              </span>
            )}
          </NavLink>
        </nav>
        <div className="topbar-right">
          <LanguageSwitch />
          {me && (
            <span className="user" title={t('header.signedInAs', { name: me.user.username })}>
              <span className="avatar" aria-hidden="true">
                {(name ?? '?').slice(0, 1).toUpperCase()}
              </span>
              <span data-testid="current-user">{name}</span>
              <span className="role-badge">{t(`roles.${me.global_role}`, { defaultValue: me.global_role })}</span>
            </span>
          )}
          <button type="button" className="btn ghost" onClick={() => void logout()}>
            {t('header.logout')}
          </button>
        </div>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
