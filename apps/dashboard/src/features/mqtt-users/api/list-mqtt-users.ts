import type { MqttUserInfo } from '@mqdash/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { mqttUserKeys } from './keys';

/** `GET /bff/mqtt-users`: every account with its connected clients, never a password. */
export const listMqttUsers = async (signal?: AbortSignal): Promise<MqttUserInfo[]> =>
  (await api.get<{ data: MqttUserInfo[] }>('/bff/mqtt-users', { signal })).data;

/** Connected-client counts change without anyone touching the page: refreshed every 15 s while it is open. */
export const listMqttUsersQueryOptions = () =>
  queryOptions({ queryKey: mqttUserKeys.list(), queryFn: ({ signal }) => listMqttUsers(signal), refetchInterval: 15_000 });

export const useMqttUsers = () => useQuery(listMqttUsersQueryOptions());
