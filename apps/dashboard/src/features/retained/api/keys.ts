/** Query keys of the retained feature (STYLE #8): general to specific, holding every input. */
export const retainedKeys = {
  all: ['retained'] as const,
  lists: () => [...retainedKeys.all, 'list'] as const,
  list: (filter: { topicFilter: string; page: number; pageSize: number }) => [...retainedKeys.lists(), filter] as const,
  messages: () => [...retainedKeys.all, 'message'] as const,
  message: (topic: string) => [...retainedKeys.messages(), topic] as const,
};
