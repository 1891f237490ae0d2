import type { BulkAction, SessionDetail, SessionStatus } from '@mqdash/contracts';
import { useState } from 'react';
import { Label, Radio, RadioGroup } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { Pencil, Trash } from '../../../components/ui/icons';
import { toast } from '../../../lib/toast';
import { UNDO_WINDOW_MS } from '@mqdash/contracts';
import { UndoOffer } from '../../audit/components/undo-offer';
import { useAlterSession } from '../api/alter-session';
import { useDeleteSession } from '../api/delete-session';
import { useDisconnectSession } from '../api/disconnect-session';
import { useKickSession } from '../api/kick-session';
import { bulkActionConsequence, bulkActionText } from '../lib/display';

type Confirm = 'ban' | 'markInactive' | 'kick' | 'delete' | null;

/** The status change as the bulk action of the same name (for the Undo button's words). */
const statusAction = (next: SessionStatus, from: SessionStatus): BulkAction =>
  next === 'banned' ? 'ban' : next === 'hidden' ? 'hide' : next === 'inactive' ? 'markInactive' : from === 'banned' ? 'unban' : 'unhide';

export interface SessionActionsProps {
  session: SessionDetail;
  onEdit: () => void;
  /** After a permanent delete (or a kick, which is one) the page has nothing left to show. */
  onDeleted: () => void;
}

/** Status changes, disconnect, kick and delete for one session; the risky ones ask first. */
export function SessionActions({ session, onEdit, onDeleted }: SessionActionsProps) {
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [permanent, setPermanent] = useState(false);
  /** Issue 13: the last status change made here, offered for Undo while the server allows it. */
  const [lastChange, setLastChange] = useState<{ auditId: number; until: string; what: string } | null>(null);
  const alter = useAlterSession();
  const disconnect = useDisconnectSession();
  const kick = useKickSession();
  const remove = useDeleteSession();
  const name = session.clientName;
  const status = session.sessionStatus;
  const connected = session.connectionStatus !== 'disconnected';

  // mutateAsync, not mutate(…, {onSuccess}): the live feed may remove this session and unmount the
  // page before the request answers, and mutate's per-call callbacks are dropped on unmount.
  // Failures are toasted by the mutations' own error handling, so the promise's rejection is spent here.
  const ignore = () => {};
  const setStatus = (next: SessionStatus, done: string, then?: () => void) =>
    alter.mutateAsync({ clientName: name, patch: { sessionStatus: next } }).then((r) => {
      toast.success(done, name);
      setLastChange(r.auditId ? { auditId: r.auditId, until: new Date(Date.now() + UNDO_WINDOW_MS).toISOString(), what: bulkActionText[statusAction(next, status)] } : null);
      then?.();
    }, ignore);

  const doDisconnect = (quiet = false) =>
    disconnect.mutateAsync(name).then((r) => {
      if (!quiet) toast.success(r.wasConnected ? 'Disconnected' : 'The client was not connected', name);
    }, ignore);

  const run = () => {
    const action = confirm;
    setConfirm(null);
    if (action === 'ban')
      // alterMqSession never disconnects (seed 002), so Ban ends the connection itself (DESIGN §3).
      setStatus('banned', 'Session banned', () => {
        if (session.connectionStatus === 'connected') doDisconnect(true);
      });
    else if (action === 'markInactive') setStatus('inactive', 'Session marked inactive');
    else if (action === 'kick')
      kick.mutateAsync(name).then(() => {
        toast.success('Session kicked', name);
        onDeleted();
      }, ignore);
    else if (action === 'delete')
      remove.mutateAsync({ clientName: name, permanent }).then(() => {
        toast.success(permanent ? 'Session deleted permanently' : 'Session deactivated (disconnected and marked inactive)', name);
        if (permanent) onDeleted();
      }, ignore);
  };

  const busy = alter.isPending || disconnect.isPending || kick.isPending || remove.isPending;

  return (
    <div className="session-actions" role="toolbar" aria-label="Session actions">
      <Button variant="primary" size="sm" onPress={onEdit}>
        <Pencil /> Edit
      </Button>
      <span className="toolbar-sep" aria-hidden="true" />
      <Button size="sm" onPress={() => doDisconnect()} isDisabled={!connected || busy} isPending={disconnect.isPending}>
        Disconnect
      </Button>
      {status === 'hidden' ? (
        <Button size="sm" onPress={() => setStatus('normal', 'Session unhidden')} isDisabled={busy}>Unhide</Button>
      ) : (
        <Button size="sm" onPress={() => setStatus('hidden', 'Session hidden')} isDisabled={busy}>Hide</Button>
      )}
      {status === 'banned' ? (
        <Button size="sm" onPress={() => setStatus('normal', 'Session unbanned')} isDisabled={busy}>Unban</Button>
      ) : (
        <Button size="sm" variant="danger-ghost" onPress={() => setConfirm('ban')} isDisabled={busy}>Ban</Button>
      )}
      {status !== 'inactive' && (
        <Button size="sm" onPress={() => setConfirm('markInactive')} isDisabled={busy}>Mark inactive</Button>
      )}
      <Button size="sm" variant="danger-ghost" onPress={() => setConfirm('kick')} isDisabled={busy}>Kick</Button>
      <Button size="sm" variant="danger" onPress={() => { setPermanent(false); setConfirm('delete'); }} isDisabled={busy}>
        <Trash /> Delete
      </Button>
      {lastChange && <UndoOffer key={lastChange.auditId} auditIds={[lastChange.auditId]} until={lastChange.until} what={lastChange.what} />}

      <ConfirmDialog isOpen={confirm === 'ban'} onOpenChange={(o) => !o && setConfirm(null)} title="Ban 1 session?" confirmLabel="Ban 1 session" onConfirm={run}>
        <p><span className="mono">{name}</span>: {bulkActionConsequence.ban}</p>
      </ConfirmDialog>
      <ConfirmDialog isOpen={confirm === 'markInactive'} onOpenChange={(o) => !o && setConfirm(null)} title="Mark 1 session inactive?" confirmLabel="Mark 1 session inactive" tone="primary" onConfirm={run}>
        <p><span className="mono">{name}</span>: {bulkActionConsequence.markInactive}</p>
      </ConfirmDialog>
      <ConfirmDialog isOpen={confirm === 'kick'} onOpenChange={(o) => !o && setConfirm(null)} title="Kick 1 session?" confirmLabel="Kick 1 session" onConfirm={run}>
        <p><span className="mono">{name}</span>: {bulkActionConsequence.kick}</p>
      </ConfirmDialog>
      <ConfirmDialog isOpen={confirm === 'delete'} onOpenChange={(o) => !o && setConfirm(null)} title="Delete 1 session?" confirmLabel={permanent ? 'Delete 1 session permanently' : 'Deactivate 1 session'} onConfirm={run}>
        <p>How should <span className="mono">{name}</span> be deleted?</p>
        <RadioGroup value={permanent ? 'permanent' : 'inactive'} onChange={(v) => setPermanent(v === 'permanent')} className="radio-group">
          <Label className="sr-only">Delete mode</Label>
          <Radio value="inactive" className="radio">
            <span className="radio-dot" aria-hidden="true" />
            <span>
              <strong>Deactivate</strong>
              <span className="radio-help">Disconnects a connected client and marks the session inactive, keeping its history; a reconnect makes it normal again.</span>
            </span>
          </Radio>
          <Radio value="permanent" className="radio">
            <span className="radio-dot" aria-hidden="true" />
            <span>
              <strong>Delete permanently</strong>
              <span className="radio-help">Disconnects the client and removes the session, its subscriptions and queued messages.</span>
            </span>
          </Radio>
        </RadioGroup>
      </ConfirmDialog>
    </div>
  );
}
