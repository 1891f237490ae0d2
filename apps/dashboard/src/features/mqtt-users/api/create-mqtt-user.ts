import type { CreateMqttUserInput, MqttUserInfo } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { mqttUserKeys } from './keys';

/** `POST /bff/mqtt-users` → 201 with the account (never its password). */
export const createMqttUser = (body: CreateMqttUserInput): Promise<MqttUserInfo> => api.post<MqttUserInfo>('/bff/mqtt-users', body);

export function useCreateMqttUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createMqttUser,
    // The form shows the error beside its field.
    meta: { errorToast: false },
    onSettled: () => queryClient.invalidateQueries({ queryKey: mqttUserKeys.all }),
  });
}
