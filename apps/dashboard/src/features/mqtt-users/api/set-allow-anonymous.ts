import type { AlterMqttAuthSettingsResult } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { mqttUserKeys } from './keys';

/** `PUT /bff/mqtt-auth {allowAnonymous}`: off disconnects the anonymous clients connected now. */
export const setAllowAnonymous = (allowAnonymous: boolean): Promise<AlterMqttAuthSettingsResult> =>
  api.put<AlterMqttAuthSettingsResult>('/bff/mqtt-auth', { allowAnonymous });

export function useSetAllowAnonymous() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setAllowAnonymous,
    meta: { errorToast: 'Could not change anonymous MQTT access' },
    onSuccess: (settings) => queryClient.setQueryData(mqttUserKeys.settings(), settings),
    onSettled: () => queryClient.invalidateQueries({ queryKey: mqttUserKeys.all }),
  });
}
