import type { MqttUserChangeResult, MqttUserInfo, MqttUserPatchBody } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { mqttUserKeys, mqttUserPath } from './keys';

/** `PATCH /bff/mqtt-users/:username`: enable/disable (disabling disconnects its clients), a new password, a description. */
export const alterMqttUser = ({ username, ...patch }: MqttUserPatchBody & { username: string }): Promise<MqttUserChangeResult> =>
  api.patch<MqttUserChangeResult>(mqttUserPath(username), patch);

/** `errorToast`: false when a form shows the error itself (reset password). */
export function useAlterMqttUser(errorToast: string | false = 'Could not change the MQTT account') {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: alterMqttUser,
    meta: { errorToast },
    onSuccess: ({ disconnectedClients: _, ...user }) =>
      queryClient.setQueryData<MqttUserInfo[]>(mqttUserKeys.list(), (users) => users?.map((u) => (u.username === user.username ? user : u))),
    onSettled: () => queryClient.invalidateQueries({ queryKey: mqttUserKeys.all }),
  });
}
