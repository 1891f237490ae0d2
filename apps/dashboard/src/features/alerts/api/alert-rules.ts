import type { AlertRule, AlterAlertRuleInput, CreateAlertRuleInput, DeleteAlertRuleResult, LabelInfo, ListAlertRulesResult } from '@mqdash/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** Query keys of the alert rules (STYLE #8): every rule, and the firing ones the banner shows. */
export const alertKeys = {
  all: ['alert-rules'] as const,
  list: () => [...alertKeys.all, 'list'] as const,
  firing: () => [...alertKeys.all, 'firing'] as const,
  labels: () => [...alertKeys.all, 'labels'] as const,
};

/** How often the screens ask again: the server evaluates every ALERT_EVALUATE_SECONDS (15 s by default). */
const REFRESH_MS = 5000;

/** `GET /bff/alert-rules`: every rule with its state and last measured value. */
export const listAlertRules = (signal?: AbortSignal): Promise<ListAlertRulesResult> => api.get<ListAlertRulesResult>('/bff/alert-rules', { signal });

/** `GET /bff/alert-rules?state=firing`: the rules firing now. */
export const listFiringAlerts = (signal?: AbortSignal): Promise<ListAlertRulesResult> => api.get<ListAlertRulesResult>('/bff/alert-rules', { signal, query: { state: 'firing' } });

export const useAlertRules = () => useQuery(queryOptions({ queryKey: alertKeys.list(), queryFn: ({ signal }) => listAlertRules(signal), refetchInterval: REFRESH_MS }));

export const useFiringAlerts = () => useQuery(queryOptions({
  queryKey: alertKeys.firing(), queryFn: ({ signal }) => listFiringAlerts(signal), refetchInterval: REFRESH_MS,
}));

/**
 * `GET /bff/labels`: the labels a rule can be narrowed to, and the names of those rules name. The
 * labels feature's query is not imported (features stay apart), and its key is not shared.
 */
export const useAlertLabels = () => useQuery(queryOptions({
  queryKey: alertKeys.labels(), queryFn: async ({ signal }) => (await api.get<{ data: LabelInfo[] }>('/bff/labels', { signal })).data,
}));

/** A label as the alert screens name it: `group/name`, or the name alone. */
export const labelText = (l: Pick<LabelInfo, 'group' | 'name'>): string => (l.group ? `${l.group}/${l.name}` : l.name);

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: alertKeys.all });
}

/** `POST /bff/alert-rules` → 201 with the rule. */
export function useCreateAlertRule() {
  const onSettled = useInvalidate();
  return useMutation({
    mutationFn: (body: CreateAlertRuleInput) => api.post<AlertRule>('/bff/alert-rules', body),
    // The form shows the error beside its field.
    meta: { errorToast: false },
    onSettled,
  });
}

/** `PATCH /bff/alert-rules/:ruleId`: only the given properties change; null removes one. */
export function useAlterAlertRule() {
  const onSettled = useInvalidate();
  return useMutation({
    mutationFn: ({ ruleId, ...body }: AlterAlertRuleInput) => api.patch<AlertRule>(`/bff/alert-rules/${ruleId}`, body),
    meta: { errorToast: false },
    onSettled,
  });
}

/** `DELETE /bff/alert-rules/:ruleId`. */
export function useDeleteAlertRule() {
  const onSettled = useInvalidate();
  return useMutation({
    mutationFn: (ruleId: number) => api.delete<DeleteAlertRuleResult>(`/bff/alert-rules/${ruleId}`),
    meta: { errorToast: 'Could not delete the alert rule' },
    onSettled,
  });
}
