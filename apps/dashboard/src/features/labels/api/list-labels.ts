import type { LabelInfo } from '@mqdash/contracts';
import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export const labelKeys = {
  all: ['labels'] as const,
  list: () => [...labelKeys.all, 'list'] as const,
};

export const listLabels = async (signal?: AbortSignal): Promise<LabelInfo[]> =>
  (await api.get<{ data: LabelInfo[] }>('/bff/labels', { signal })).data;

export const listLabelsQueryOptions = () => queryOptions({ queryKey: labelKeys.list(), queryFn: ({ signal }) => listLabels(signal), staleTime: 60_000 });

/**
 * The labels. `current`: the Labels screen, whose session counts change with every session edit
 * made elsewhere, asks again each time it opens (elsewhere a minute-old list will do).
 */
export const useLabels = ({ current = false } = {}) => useQuery({ ...listLabelsQueryOptions(), ...(current ? { staleTime: 0 } : {}) });

/** "group / name", or the name alone for the empty group. */
export const labelText = (label: { group: string; name: string }): string => (label.group ? `${label.group} / ${label.name}` : label.name);

/**
 * After a rename, recolour or delete: the labels, and the sessions' lists and details, which show
 * the label's name (the sessions feature's keys begin with 'sessions').
 */
export const invalidateLabelsAndSessions = (queryClient: QueryClient) =>
  Promise.all([queryClient.invalidateQueries({ queryKey: labelKeys.all }), queryClient.invalidateQueries({ queryKey: ['sessions'] })]);
