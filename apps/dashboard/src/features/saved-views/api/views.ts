import type { SavedView, SavedViewBody, SavedViewList } from '@mqdash/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** Issue 13: the signed-in account's saved views of the sessions screen (`/bff/views`). */
export const viewKeys = { all: ['views'] as const };

export const listViews = (signal?: AbortSignal): Promise<SavedViewList> => api.get<SavedViewList>('/bff/views', { signal });
export const listViewsQueryOptions = () => queryOptions({ queryKey: viewKeys.all, queryFn: ({ signal }) => listViews(signal) });
export const useSavedViews = () => useQuery(listViewsQueryOptions());

export const saveView = (view: SavedViewBody): Promise<SavedView> => api.post<SavedView>('/bff/views', view);
export function useSaveView() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: saveView, onSettled: () => queryClient.invalidateQueries({ queryKey: viewKeys.all }) });
}

export const deleteView = (name: string): Promise<void> => api.delete<void>(`/bff/views/${encodeURIComponent(name)}`);
export function useDeleteView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteView,
    meta: { errorToast: 'Could not delete the view' },
    onSettled: () => queryClient.invalidateQueries({ queryKey: viewKeys.all }),
  });
}
