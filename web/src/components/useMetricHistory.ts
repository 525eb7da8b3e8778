import { useQuery } from '@tanstack/react-query';
import { bulkHistory } from '../api/endpoints';
import type { MetricSeries } from '../api/types';

// The server caps one request; keys are asked for in groups so runs with many metrics still work.
const KEYS_PER_REQUEST = 25;
export const MAX_POINTS = 1000;

/** Downsampled histories of the given metrics of the given runs (POST /api/v1/metrics/bulk-history). */
export function useMetricHistory(runIds: string[], metricKeys: string[]) {
  return useQuery({
    queryKey: ['bulk-history', runIds, metricKeys],
    enabled: runIds.length > 0 && metricKeys.length > 0,
    queryFn: async (): Promise<MetricSeries[]> => {
      const groups: string[][] = [];
      for (let i = 0; i < metricKeys.length; i += KEYS_PER_REQUEST) groups.push(metricKeys.slice(i, i + KEYS_PER_REQUEST));
      const parts = await Promise.all(groups.map((g) => bulkHistory(runIds, g, MAX_POINTS)));
      return parts.flatMap((p) => p.series ?? []);
    },
  });
}
