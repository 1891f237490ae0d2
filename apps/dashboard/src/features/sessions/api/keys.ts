/**
 * Query keys from general to specific, holding every input (STYLE #8). Invalidate
 * `sessionKeys.all` after any change; the live feed (later) patches `list` and `detail` entries
 * in place through `session-cache.ts`.
 */
export const sessionKeys = {
  all: ['sessions'] as const,
  lists: () => [...sessionKeys.all, 'list'] as const,
  list: (query: Record<string, string>) => [...sessionKeys.lists(), query] as const,
  details: () => [...sessionKeys.all, 'detail'] as const,
  detail: (clientName: string) => [...sessionKeys.details(), clientName] as const,
  history: (clientName: string) => [...sessionKeys.all, 'history', clientName] as const,
};

/** `/bff/sessions/<name>`: names may hold `/`, `%`, `?` and spaces, so the segment is encoded. */
export const sessionPath = (clientName: string, suffix = ''): string => `/bff/sessions/${encodeURIComponent(clientName)}${suffix}`;
