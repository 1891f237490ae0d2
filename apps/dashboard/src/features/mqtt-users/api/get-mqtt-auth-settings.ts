import type { MqttAuthSettings } from '@mqdash/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { mqttUserKeys } from './keys';

/** `GET /bff/mqtt-auth`: whether anonymous MQTT clients are allowed, where that comes from, and who is connected without an account. */
export const getMqttAuthSettings = (signal?: AbortSignal): Promise<MqttAuthSettings> => api.get<MqttAuthSettings>('/bff/mqtt-auth', { signal });

export const mqttAuthSettingsQueryOptions = () =>
  queryOptions({ queryKey: mqttUserKeys.settings(), queryFn: ({ signal }) => getMqttAuthSettings(signal), refetchInterval: 15_000 });

export const useMqttAuthSettings = () => useQuery(mqttAuthSettingsQueryOptions());
