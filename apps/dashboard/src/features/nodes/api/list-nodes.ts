import type { ListNodesResult } from '@mqdash/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export const nodeKeys = {
  all: ['nodes'] as const,
  list: () => [...nodeKeys.all, 'list'] as const,
};

export const listNodes = (signal?: AbortSignal): Promise<ListNodesResult> => api.get<ListNodesResult>('/bff/nodes', { signal });

/** The nodes, asked again every 5 s: a node's heartbeat (and its connections) comes every 2 s. */
export const useNodes = () =>
  useQuery(queryOptions({ queryKey: nodeKeys.list(), queryFn: ({ signal }) => listNodes(signal), refetchInterval: 5000 }));
