import type { AlterRetentionPolicyParams, PreviewRetentionParams, RetentionPolicyInfo, RetentionPreview } from '@mqdash/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** Query keys of the retention feature (STYLE #8). */
export const retentionKeys = {
  all: ['retention'] as const,
  policy: () => [...retentionKeys.all, 'policy'] as const,
};

/** `GET /bff/retention`: the policy, where it comes from, the last run and the next. */
export const getRetentionPolicy = (signal?: AbortSignal): Promise<RetentionPolicyInfo> => api.get<RetentionPolicyInfo>('/bff/retention', { signal });

export const retentionPolicyQueryOptions = () =>
  queryOptions({ queryKey: retentionKeys.policy(), queryFn: ({ signal }) => getRetentionPolicy(signal), refetchInterval: 60_000 });

export const useRetentionPolicy = () => useQuery(retentionPolicyQueryOptions());

/** `PUT /bff/retention`: a patch of the policy (alterRetentionPolicy, audited). */
export const alterRetentionPolicy = (patch: AlterRetentionPolicyParams): Promise<RetentionPolicyInfo> =>
  api.put<RetentionPolicyInfo>('/bff/retention', patch);

export function useAlterRetentionPolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: alterRetentionPolicy,
    // The form shows a refusal beside its field.
    meta: { errorToast: false },
    onSuccess: (info) => queryClient.setQueryData(retentionKeys.policy(), info),
  });
}

/** `POST /bff/retention/preview`: the dry run of the stored policy with these changes. */
export const previewRetention = (patch: PreviewRetentionParams): Promise<RetentionPreview> =>
  api.post<RetentionPreview>('/bff/retention/preview', patch);

export const usePreviewRetention = () => useMutation({ mutationFn: previewRetention, meta: { errorToast: false, audited: false } });
