import type { AlterMqttAuthSettingsParams, AlterMqttAuthSettingsResult, ClientIdBinding } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { mqttUserKeys } from './keys';

/** `PUT /bff/mqtt-auth`: changes the settings given (anonymous access, client-id binding). */
export const alterMqttAuthSettings = (body: AlterMqttAuthSettingsParams): Promise<AlterMqttAuthSettingsResult> =>
  api.put<AlterMqttAuthSettingsResult>('/bff/mqtt-auth', body);

function useAlterMqttAuthSettings<T>(bodyOf: (value: T) => AlterMqttAuthSettingsParams, errorToast: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (value: T) => alterMqttAuthSettings(bodyOf(value)),
    meta: { errorToast },
    onSuccess: (settings) => queryClient.setQueryData(mqttUserKeys.settings(), settings),
    onSettled: () => queryClient.invalidateQueries({ queryKey: mqttUserKeys.all }),
  });
}

/** `{allowAnonymous}`: off disconnects the anonymous clients connected now. */
export const useSetAllowAnonymous = () =>
  useAlterMqttAuthSettings((allowAnonymous: boolean) => ({ allowAnonymous }), 'Could not change anonymous MQTT access');

/** `{clientIdBinding}` (issue 12): applies to CONNECTs from now on. */
export const useSetClientIdBinding = () =>
  useAlterMqttAuthSettings((clientIdBinding: ClientIdBinding) => ({ clientIdBinding }), 'Could not change the client ID binding');
