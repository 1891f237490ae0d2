/** Query keys of the retained feature (STYLE #8): general to specific, holding every input. */
export const retainedKeys = {
  all: ['retained'] as const,
  list: (filter: { topicFilter: string; page: number; pageSize: number }) => [...retainedKeys.all, 'list', filter] as const,
  message: (topic: string) => [...retainedKeys.all, 'message', topic] as const,
};
