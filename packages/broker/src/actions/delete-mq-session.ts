import { deleteMqSessionParams, type DeleteMqSessionResult } from '@mqdash/contracts';
import { syncBanFromSession } from './session-ban.ts';
import { ActionError, defineAction } from './types.ts';

/**
 * deleteMqSession (FairCom's page; DESIGN §3). `permanentlyDeleteSession` false, null or omitted:
 * the session is marked inactive and a connected MQTT client is disconnected (MQTT 5: DISCONNECT
 * 0x98 Administrative action; its will is published, as for any end the client did not ask for);
 * a client that connects again makes the session normal. true: the client is disconnected (its
 * will discarded, not published) and everything about the session removed.
 */
export const deleteMqSession = defineAction({
  name: 'deleteMqSession',
  params: deleteMqSessionParams,
  audit: (p, raw) => p?.clientName ?? (typeof raw.clientName === 'string' ? raw.clientName : null),
  async run(p, ctx): Promise<DeleteMqSessionResult> {
    const { store, registry, engine } = ctx.core;
    const row = store.getSession(p.clientName);
    if (!row) throw new ActionError('unknownSession', `params.clientName: no session named ${JSON.stringify(p.clientName)}`, { property: 'params.clientName', value: p.clientName });
    if (!p.permanentlyDeleteSession) {
      store.updateSession(row.id, { sessionStatus: 'inactive' });
      syncBanFromSession(ctx, row.clientName, row.sessionStatus, 'inactive');
      registry.refreshLive({ ...row, sessionStatus: 'inactive' });
      registry.emit('change', row.clientName);
      const disconnected = row.sessionType === 'mqtt'
        ? await engine.disconnect(row.clientName, { reason: 'marked inactive by an administrator (deleteMqSession)' })
        : false;
      return { clientName: row.clientName, deleted: false, sessionStatus: 'inactive', disconnected };
    }
    const disconnected = row.sessionType === 'mqtt' ? await engine.disconnect(row.clientName, { dropWill: true }) : false;
    const current = store.getSession(p.clientName);
    if (current) registry.removeSession(current, 'deleted by an administrator');
    return { clientName: row.clientName, deleted: true, disconnected };
  },
});
