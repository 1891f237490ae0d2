import type { BanType, CreateBanInput, CreateBanResult, DeleteBanResult, ListBansResult, PreviewBanResult } from '@mqdash/contracts';
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** Query keys of the ban list (STYLE #8). */
export const banKeys = {
  all: ['bans'] as const,
  list: () => [...banKeys.all, 'list'] as const,
  preview: (banType: BanType, value: string) => [...banKeys.all, 'preview', banType, value] as const,
};

/** `GET /bff/bans`: the first 1,000 bans (expired ones are not listed). */
export const listBans = (signal?: AbortSignal): Promise<ListBansResult> => api.get<ListBansResult>('/bff/bans', { signal, query: { maxRecords: 1000 } });

export const useBans = () => useQuery(queryOptions({ queryKey: banKeys.list(), queryFn: ({ signal }) => listBans(signal), refetchInterval: 30_000 }));

/**
 * `POST /bff/bans/preview`: who a ban of this type and value would hit now (connected clients,
 * stored sessions, a sample of client ids); null asks nothing. The last answer stays while the next loads.
 */
export const useBanPreview = (ban: { banType: BanType; value: string } | null) => useQuery({
  queryKey: ban ? banKeys.preview(ban.banType, ban.value) : [...banKeys.all, 'preview'],
  queryFn: ({ signal }) => api.post<PreviewBanResult>('/bff/bans/preview', ban!, { signal }),
  enabled: ban !== null,
  placeholderData: keepPreviousData,
});

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
