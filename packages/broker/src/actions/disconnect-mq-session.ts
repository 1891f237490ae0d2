import { disconnectMqSessionParams, type DisconnectMqSessionResult } from '@mqdash/contracts';
import { Reason } from '../engine/broker-engine.ts';
import { ActionError, defineAction } from './types.ts';

/**
 * mqdash extension (DESIGN §4): ends the connection with MQTT 5 reason 0x98 Administrative action
 * and keeps the session. The will is published, as for any end without a clean DISCONNECT.
 */
export const disconnectMqSession = defineAction({
  name: 'disconnectMqSession',
  params: disconnectMqSessionParams,
  audit: (p, raw) => p?.clientName ?? (typeof raw.clientName === 'string' ? raw.clientName : null),
  async run(p, ctx): Promise<DisconnectMqSessionResult> {
    const { store, registry, engine } = ctx.core;
    const row = store.getSession(p.clientName);
    if (!row) throw new ActionError('unknownSession', `params.clientName: no session named ${JSON.stringify(p.clientName)}`, { property: 'params.clientName', value: p.clientName });
    if (row.sessionType === 'mqtt') {
      const wasConnected = await engine.disconnect(row.clientName, { reasonCode: Reason.administrativeAction });
      return { clientName: row.clientName, wasConnected };
    }
    const live = registry.live.get(row.clientName);
    const wasConnected = row.connectionStatus === 'connectedTemporarily';
    if (live) live.lastActivityAt = null;
    if (wasConnected) {
      store.updateSession(row.id, { connectionStatus: 'disconnected', disconnectedAt: registry.now() });
      if (live) live.connected = false;
      registry.emit('change', row.clientName);
    }
    return { clientName: row.clientName, wasConnected };
  },
});
