import type { OverviewMessage, OverviewSample, RetentionRun } from '@mqdash/contracts';
import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export interface OverviewResponse {
  overview: OverviewMessage;
  /** Per-minute throughput samples, oldest first. */
  history: OverviewSample[];
  /** The retention policy's last run (null: it has not run). */
  retention?: RetentionRun | null;
}

export const overviewKeys = {
  all: ['overview'] as const,
  detail: (minutes: number) => [...overviewKeys.all, { minutes }] as const,
};

/** `GET /bff/overview?minutes=`: the latest overview and the last minutes of throughput. */
export const getOverview = (minutes: number, signal?: AbortSignal): Promise<OverviewResponse> =>
  api.get<OverviewResponse>('/bff/overview', { query: { minutes }, signal });

export const getOverviewQueryOptions = (minutes: number) =>
  queryOptions({ queryKey: overviewKeys.detail(minutes), queryFn: ({ signal }) => getOverview(minutes, signal) });

/**
 * The overview page's data. Live, the feed keeps `overview` current and only the history is
 * refetched (a new sample each minute); without the feed it polls.
 */
export const useOverview = (minutes: number, { live }: { live: boolean }) =>
  useQuery({ ...getOverviewQueryOptions(minutes), refetchInterval: live ? 60_000 : 10_000 });

/** A feed `overview` message (every 5 s, retained) replaces the cached one when it is newer. */
export function applyOverviewMessage(queryClient: QueryClient, message: OverviewMessage): void {
  queryClient.setQueriesData<OverviewResponse>({ queryKey: overviewKeys.all }, (data) =>
    data && Date.parse(message.ts) >= Date.parse(data.overview.ts) ? { ...data, overview: message } : data,
  );
}
