import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { api, ApiError, onUnauthorized, setCsrfToken } from '../api/client';
import { getMe, login as apiLogin, logout as apiLogout } from '../api/endpoints';
import type { Me } from '../api/types';
import { Loading } from './Status';

interface AuthState {
  me: Me | null;
  loading: boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  /** True when the user is an admin or holds the permission globally or via the project role. */
  can: (permission: string, project?: string) => boolean;
  projectRole: (project: string) => string | undefined;
}

const AuthContext = createContext<AuthState | null>(null);
const ME_KEY = ['auth', 'me'];

async function fetchMe(): Promise<Me | null> {
  try {
    const me = await getMe();
    if (me.csrf_token) setCsrfToken(me.csrf_token);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

interface PermissionMatrix {
  roles?: string[];
  permissions?: { name: string; scope?: string; description?: string; roles?: string[] }[];
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const meQuery = useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 60_000, retry: false });
  // The role → permission matrix (GET /api/v1/permissions) decides which controls to show; the
  // server still checks every request.
  const matrixQuery = useQuery({
    queryKey: ['auth', 'permissions'],
    queryFn: () => api.get<PermissionMatrix>('/api/v1/permissions'),
    enabled: !!meQuery.data,
    staleTime: Infinity,
  });

  useEffect(() => {
    onUnauthorized(() => {
      setCsrfToken(null);
      queryClient.setQueryData(ME_KEY, null);
    });
    return () => onUnauthorized(null);
  }, [queryClient]);

  const login = useCallback(
    async (username: string, password: string) => {
      const res = await apiLogin(username, password);
      setCsrfToken(res.csrf_token);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      await queryClient.fetchQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 0 });
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      await apiLogout();
    } catch {
      // The session may already be gone; the local state is cleared either way.
    }
    setCsrfToken(null);
    queryClient.clear();
    queryClient.setQueryData(ME_KEY, null);
    navigate('/login', { replace: true });
  }, [navigate, queryClient]);

  const me = meQuery.data ?? null;
  const matrix = matrixQuery.data;
  const value = useMemo<AuthState>(() => {
    const projectRole = (project: string) => me?.memberships?.find((m) => m.project === project)?.role;
    return {
      me,
      loading: meQuery.isPending,
      login,
      logout,
      projectRole,
      can: (permission, project) => {
        if (!me) return false;
        if (me.global_role === 'admin') return true;
        if (me.permissions?.includes(permission)) return true;
        if (!project) return false;
        const role = projectRole(project);
        if (!role) return false;
        if (role === 'admin') return true;
        const entry = matrix?.permissions?.find((p) => p.name === permission);
        if (entry) return entry.roles?.includes(role) ?? false;
        // Matrix not loaded (or unknown permission): fall back to the managing role only.
        return role === 'project-manager';
      },
    };
  }, [me, meQuery.isPending, login, logout, matrix]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

export function RequireAuth({ children }: { children: ReactNode }) {
  const { me, loading } = useAuth();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!me) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return <>{children}</>;
}
