import { deleteMqSessionParams, type DeleteMqSessionResult } from '@mqdash/contracts';
import { ActionError, defineAction } from './types.ts';

/**
 * DESIGN §3: by default the session is marked inactive; with permanentlyDeleteSession its client
 * is disconnected (its will discarded, not published) and everything about it removed.
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
      registry.refreshLive({ ...row, sessionStatus: 'inactive' });
      registry.emit('change', row.clientName);
      return { clientName: row.clientName, deleted: false, sessionStatus: 'inactive' };
    }
    if (row.sessionType === 'mqtt') await engine.disconnect(row.clientName, { dropWill: true });
    const current = store.getSession(p.clientName);
    if (current) registry.removeSession(current, 'deleted by an administrator');
    return { clientName: row.clientName, deleted: true };
  },
});
