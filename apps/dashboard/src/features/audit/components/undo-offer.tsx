import { UNDO_WINDOW_MS } from '@mqdash/contracts';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { formatCount, plural } from '../../../lib/format';
import { toast } from '../../../lib/toast';
import { useNow } from '../../../lib/use-now';
import { useUndoAudit } from '../api/undo-audit';

export interface UndoOfferProps {
  /** The audit entries of the change (one per session). */
  auditIds: readonly number[];
  /** When the server stops accepting the undo (ISO time). */
  until: string;
  /** What is undone, for the button's name: "Undo ban". */
  what: string;
}

const timeOf = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * Issue 13: Undo for a status change just made, offered until the server's undo window closes
 * (stated), then gone. Undo sets each session's previous status back from the audit log and
 * never reconnects anything; sessions changed since are left alone and named.
 */
export function UndoOffer({ auditIds, until, what }: UndoOfferProps) {
  const undo = useUndoAudit();
  const [done, setDone] = useState(false);
  const now = useNow(5_000);
  if (done || now >= Date.parse(until)) return null;

  const run = () =>
    undo.mutateAsync([...auditIds]).then((r) => {
      setDone(true);
      if (r.failed.length === 0) toast.success(`${what} undone`, `${plural(r.succeeded.length, 'session')} set back`);
      else toast.warning(`${what}: ${formatCount(r.failed.length)} of ${formatCount(auditIds.length)} not undone`, r.failed[0]!.error);
    }, () => {});

  return (
    <p className="undo-offer">
      <Button size="sm" onPress={run} isPending={undo.isPending} isDisabled={undo.isPending}>
        Undo {what.toLowerCase()}
      </Button>
      <span className="muted">Undo is possible until {timeOf(until)} ({UNDO_WINDOW_MS / 60_000} minutes after the change).</span>
    </p>
  );
}
