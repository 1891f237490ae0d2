import type {
  CreateTopicPermissionInput, DeleteTopicPermissionResult, ListTopicPermissionsResult, PermissionDecision, TopicPermission, TopicPermissionSettings,
} from '@mqdash/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** Query keys of the topic permissions (STYLE #8): the rules and the default in one answer. */
export const topicPermissionKeys = { all: ['topic-permissions'] as const, list: () => [...topicPermissionKeys.all, 'list'] as const };

/** `GET /bff/topic-permissions`: every rule in evaluation order, with the default policy. */
export const listTopicPermissions = (signal?: AbortSignal): Promise<ListTopicPermissionsResult> => api.get<ListTopicPermissionsResult>('/bff/topic-permissions', { signal });

export const useTopicPermissions = () => useQuery(queryOptions({ queryKey: topicPermissionKeys.list(), queryFn: ({ signal }) => listTopicPermissions(signal) }));

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: topicPermissionKeys.all });
}

/** `POST /bff/topic-permissions` → 201 with the rule and its place. */
export function useCreateTopicPermission() {
  const onSettled = useInvalidate();
  return useMutation({
    mutationFn: (body: CreateTopicPermissionInput) => api.post<TopicPermission>('/bff/topic-permissions', body),
    meta: { errorToast: false },
    onSettled,
  });
}

/** `DELETE /bff/topic-permissions/:permissionId`: the rules after it move up one place. */
export function useDeleteTopicPermission() {
  const onSettled = useInvalidate();
  return useMutation({
    mutationFn: (permissionId: number) => api.delete<DeleteTopicPermissionResult>(`/bff/topic-permissions/${permissionId}`),
    meta: { errorToast: 'Could not delete the rule' },
    onSettled,
  });
}

/** `PUT /bff/topic-permissions/settings {defaultPermission}`: what applies when no rule does. */
export function useSetDefaultPermission() {
  const onSettled = useInvalidate();
  return useMutation({
    mutationFn: (defaultPermission: PermissionDecision) => api.put<TopicPermissionSettings>('/bff/topic-permissions/settings', { defaultPermission }),
    meta: { errorToast: 'Could not change the default policy' },
    onSettled,
  });
}
