import type { AlterMqttAuthSettingsResult, ClientIdBinding } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { mqttUserKeys } from './keys';

/** `PUT /bff/mqtt-auth {clientIdBinding}`: applies to CONNECTs from now on. */
export const setClientIdBinding = (clientIdBinding: ClientIdBinding): Promise<AlterMqttAuthSettingsResult> =>
  api.put<AlterMqttAuthSettingsResult>('/bff/mqtt-auth', { clientIdBinding });

export function useSetClientIdBinding() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setClientIdBinding,
    meta: { errorToast: 'Could not change the client ID binding' },
    onSuccess: (settings) => queryClient.setQueryData(mqttUserKeys.settings(), settings),
    onSettled: () => queryClient.invalidateQueries({ queryKey: mqttUserKeys.all }),
  });
}
