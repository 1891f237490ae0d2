import type { AuditEvent } from '@mqdash/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** Every mutation invalidates `['audit']` (lib/query-client.ts): actions are audited server-side. */
export const auditKeys = {
  all: ['audit'] as const,
  list: (filter: { target?: string; limit: number }) => [...auditKeys.all, 'list', filter] as const,
};

export const listAudit = async (filter: { target?: string; limit: number }, signal?: AbortSignal): Promise<AuditEvent[]> =>
  (await api.get<{ data: AuditEvent[] }>('/bff/audit', { query: filter, signal })).data;

export const listAuditQueryOptions = (filter: { target?: string; limit: number }) =>
  queryOptions({ queryKey: auditKeys.list(filter), queryFn: ({ signal }) => listAudit(filter, signal) });

export const useAudit = (filter: { target?: string; limit: number }) => useQuery(listAuditQueryOptions(filter));
