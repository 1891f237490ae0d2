import type { EmqxClientFilter } from '@mqdash/broker';
import type { EmqxClientsQuery } from '@mqdash/contracts';

const protocolOf: Record<number, string> = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

/**
 * Seed 004's filters in the registry's terms (DESIGN §4): every client is in zone `default` and
 * speaks MQTT; `idle` (a connection that has not sent CONNECT yet) is never a session here; the
 * time bounds include their end (`_gte` = at or after, `_lte` = at or before).
 */
export function filterOf(q: EmqxClientsQuery): EmqxClientFilter {
  const protocol = q.proto_ver === undefined ? undefined : protocolOf[q.proto_ver];
  return {
    clientNames: q.clientid,
    usernames: q.username,
    ipAddress: q.ip_address,
    connected: q.conn_state === undefined ? undefined : q.conn_state === 'connected',
    cleanStart: q.clean_start,
    mqttProtocols: protocol ? [protocol] : undefined,
    createdFrom: q._gte_created_at,
    createdTo: q._lte_created_at,
    connectedFrom: q._gte_connected_at,
    connectedTo: q._lte_connected_at,
    clientNameContains: q.like_clientid,
    usernameContains: q.like_username,
    matchesNothing: (q.zone !== undefined && q.zone !== 'default')
      || (q.proto_name !== undefined && q.proto_name !== 'MQTT')
      || q.conn_state === 'idle'
      || (q.proto_ver !== undefined && !protocol),
  };
}
