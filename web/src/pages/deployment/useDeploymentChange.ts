// A change of a deployment (split, canary, switch, rollback, settings): after it succeeds the page's
// deployment and the project's list are read again.
import { useMutation, useQueryClient } from '@tanstack/react-query';

export const deploymentKey = (name: string) => ['deployment', name];

export function useDeploymentChange<TVars, TResult>(name: string, fn: (vars: TVars) => Promise<TResult>, onDone?: (r: TResult) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async (r) => {
      onDone?.(r);
      await qc.invalidateQueries({ queryKey: deploymentKey(name) });
      await qc.invalidateQueries({ queryKey: ['deployments'] });
    },
  });
}
