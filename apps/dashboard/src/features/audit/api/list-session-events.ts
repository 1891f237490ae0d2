import type { SessionEvent } from '@mqdash/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { sessionPath } from '../../sessions/api/keys';
import { auditKeys } from './list-audit';

/** Under `['audit']`, so every mutation refreshes it with the audit history. */
export const sessionEventsKey = (clientName: string, limit: number) => [...auditKeys.all, 'session-events', clientName, limit] as const;

/** `GET /bff/sessions/{name}/events`: the session's stored connects, disconnects, refusals and health turns, newest first. */
export const useSessionEvents = (clientName: string, limit: number) =>
  useQuery({
    queryKey: sessionEventsKey(clientName, limit),
    queryFn: async ({ signal }) => (await api.get<{ data: SessionEvent[] }>(sessionPath(clientName, '/events'), { query: { limit }, signal })).data,
  });
