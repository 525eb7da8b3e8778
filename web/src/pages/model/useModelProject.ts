import { useQuery } from '@tanstack/react-query';
import { listProjects } from '../../api/endpoints';
import type { Project } from '../../api/types';

/**
 * The project a model belongs to: the registry answers its id, the name (for links and
 * permissions) comes from the project list, as on the job page.
 */
export function useModelProject(projectId: number | undefined): Project | undefined {
  const projects = useQuery({ queryKey: ['projects'], queryFn: listProjects, enabled: projectId !== undefined });
  return projects.data?.projects?.find((p) => projectId !== undefined && String(p.id) === String(projectId));
}
