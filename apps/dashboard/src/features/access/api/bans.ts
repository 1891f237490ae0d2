import type { BanType, CreateBanInput, CreateBanResult, DeleteBanResult, ListBansResult } from '@mqdash/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** Query keys of the ban list (STYLE #8). */
export const banKeys = { all: ['bans'] as const, list: () => [...banKeys.all, 'list'] as const };

/** `GET /bff/bans`: the first 1,000 bans (expired ones are not listed). */
export const listBans = (signal?: AbortSignal): Promise<ListBansResult> => api.get<ListBansResult>('/bff/bans', { signal, query: { maxRecords: 1000 } });

export const useBans = () => useQuery(queryOptions({ queryKey: banKeys.list(), queryFn: ({ signal }) => listBans(signal), refetchInterval: 30_000 }));

/** `POST /bff/bans` → 201 with the ban and how many connected clients it disconnected. */
export function useCreateBan() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateBanInput) => api.post<CreateBanResult>('/bff/bans', body),
    // The form shows the error beside its field.
    meta: { errorToast: false },
    onSettled: () => queryClient.invalidateQueries({ queryKey: banKeys.all }),
  });
}

/** `DELETE /bff/bans/:banType/:value`: the value may hold "/" (a CIDR range), so it is percent-encoded. */
export function useDeleteBan() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ banType, value }: { banType: BanType; value: string }) =>
      api.delete<DeleteBanResult>(`/bff/bans/${encodeURIComponent(banType)}/${encodeURIComponent(value)}`),
    meta: { errorToast: 'Could not remove the ban' },
    onSettled: () => queryClient.invalidateQueries({ queryKey: banKeys.all }),
  });
}
