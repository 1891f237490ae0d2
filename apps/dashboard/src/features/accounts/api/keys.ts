/** Query keys of the administrator accounts feature (STYLE #8). */
export const accountKeys = {
  all: ['accounts'] as const,
  list: () => [...accountKeys.all, 'list'] as const,
};

/** `/bff/accounts/<username>`: a username may hold spaces or "/", so it is percent-encoded. */
export const accountPath = (username: string): string => `/bff/accounts/${encodeURIComponent(username)}`;
