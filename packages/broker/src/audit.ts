import type { AuditEntry, Store } from './store/types.ts';
import { EventEmitter } from 'node:events';

/**
 * The audit log (DESIGN §3): every state-changing admin action, with who, what, target, when and
 * the result. Emits `entry` for the live feed.
 */
export class AuditLog extends EventEmitter {
  constructor(private readonly store: Store, private readonly now: () => number = Date.now) {
    super();
  }

  /** Writes the entry; answers its id. */
  record(e: Omit<AuditEntry, 'ts'>): number {
    const entry = { ...e, ts: this.now() };
    const id = this.store.appendAudit(entry);
    this.emit('entry', { ...entry, id });
    return id;
  }

  get(id: number): AuditEntry | undefined {
    return this.store.getAudit(id);
  }

  recent(limit = 100, target?: string): AuditEntry[] {
    return this.store.recentAudit(limit, target);
  }
}
