import type { DeleteMqttUserResult } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { mqttUserKeys, mqttUserPath } from './keys';

/** `DELETE /bff/mqtt-users/:username`: its connected clients are disconnected. */
export const deleteMqttUser = (username: string): Promise<DeleteMqttUserResult> => api.delete<DeleteMqttUserResult>(mqttUserPath(username));

export function useDeleteMqttUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteMqttUser,
    meta: { errorToast: 'Could not delete the MQTT account' },
    onSettled: () => queryClient.invalidateQueries({ queryKey: mqttUserKeys.all }),
  });
}
