/** Query keys of the API keys feature (STYLE #8). */
export const apiKeyKeys = {
  all: ['api-keys'] as const,
  list: () => [...apiKeyKeys.all, 'list'] as const,
};

/** `/bff/api-keys/<name>`: names are URL-safe by their schema, encoded all the same. */
export const apiKeyPath = (name: string): string => `/bff/api-keys/${encodeURIComponent(name)}`;
