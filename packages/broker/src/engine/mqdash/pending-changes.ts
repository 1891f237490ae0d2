/**
 * The changes a batching `SessionStore` (SQLite, PostgreSQL) has recorded and not yet written, in
 * the order they were made, coalesced: a message queued and completed before its write is never
 * written, going in flight before then edits the pending insert, a retained topic's later change
 * replaces its pending one, and a session's meta is recorded only when it changed.
 */
import { toJson } from '../../persistence/packet-codec.ts';
import type { SessionMeta, StoredMessage } from './persistence.ts';
import { MemoryRetainedStore, type RetainedStore } from './retained.ts';
import type { EngineMessage } from './types.ts';

/** One pending change, applied in the order it was made. */
export type Change =
  | { kind: 'meta'; clientId: string; json: string }
  | { kind: 'remove'; clientId: string }
  | { kind: 'add'; clientId: string; message: StoredMessage; packetId: number | null; flight: string | null; cancelled?: boolean }
  | { kind: 'flight'; clientId: string; seq: number; packetId: number; flight: string }
  | { kind: 'delete'; clientId: string; seq: number }
  | { kind: 'retained'; message: EngineMessage };

type Add = Extract<Change, { kind: 'add' }>;

export class PendingChanges {
  /** Recorded since the last `clear`, in order (a cancelled insert stays, marked). */
  list: Change[] = [];
  /** Pending inserts by client and seq: a later change of the message edits or cancels the insert. */
  private readonly adds = new Map<string, Map<number, Add>>();
  private readonly retained = new Map<string, Extract<Change, { kind: 'retained' }>>();
  /** The meta of each session as the store will hold it once the pending changes are written. */
  private readonly latestMeta = new Map<string, string>();

  /** `recorded` runs after each change that was added to the list. */
  constructor(private readonly recorded: () => void) {}

  /** What the store already holds for a session (read at open). */
  knownMeta(clientId: string, json: string): void {
    this.latestMeta.set(clientId, json);
  }

  saveSession(meta: SessionMeta): void {
    const json = toJson(meta)!;
    if (this.latestMeta.get(meta.clientId) === json) return; // unchanged: nothing to write
    this.latestMeta.set(meta.clientId, json);
    this.record({ kind: 'meta', clientId: meta.clientId, json });
  }

  removeSession(clientId: string): void {
    for (const change of this.adds.get(clientId)?.values() ?? []) change.cancelled = true;
    this.adds.delete(clientId);
    this.latestMeta.delete(clientId);
    this.record({ kind: 'remove', clientId });
  }

  addMessage(clientId: string, message: StoredMessage): void {
    const change: Add = { kind: 'add', clientId, message, packetId: null, flight: null };
    let adds = this.adds.get(clientId);
    if (!adds) this.adds.set(clientId, (adds = new Map()));
    const replaced = adds.get(message.seq);
    if (replaced) replaced.cancelled = true; // one insert per row
    adds.set(message.seq, change);
    this.record(change);
  }

  markInFlight(clientId: string, seq: number, packetId: number, flight: 'publish' | 'pubrel'): void {
    const pending = this.adds.get(clientId)?.get(seq);
    if (pending) {
      pending.packetId = packetId;
      pending.flight = flight;
      return;
    }
    this.record({ kind: 'flight', clientId, seq, packetId, flight });
  }

  removeMessage(clientId: string, seq: number): void {
    const adds = this.adds.get(clientId);
    const pending = adds?.get(seq);
    if (pending) {
      // queued and done before its write: never written
      pending.cancelled = true;
      adds!.delete(seq);
      return;
    }
    this.record({ kind: 'delete', clientId, seq });
  }

  putRetained(message: EngineMessage): void {
    const pending = this.retained.get(message.topic);
    if (pending) {
      pending.message = message;
      return;
    }
    const change: Change = { kind: 'retained', message };
    this.retained.set(message.topic, change);
    this.record(change);
  }

  /** The recorded changes are being written: later changes no longer edit them. */
  clear(): void {
    this.list = [];
    this.adds.clear();
    this.retained.clear();
  }

  private record(change: Change): void {
    this.list.push(change);
    this.recorded();
  }
}

/** The in-memory tree for SUBSCRIBE of a batching store: every change is also recorded for its table. */
export class RecordingRetainedStore implements RetainedStore {
  protected memory = new MemoryRetainedStore();

  constructor(private readonly record: (message: EngineMessage) => void) {}

  put(message: EngineMessage): void {
    this.record(message);
    this.memory.put(message);
  }

  match(topicFilter: string, now: number): EngineMessage[] {
    return this.memory.match(topicFilter, now);
  }

  count(): number {
    return this.memory.count();
  }
}
