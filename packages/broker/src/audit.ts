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

  record(e: Omit<AuditEntry, 'ts'>): void {
    const entry = { ...e, ts: this.now() };
    this.store.appendAudit(entry);
    this.emit('entry', entry);
  }

  recent(limit = 100, target?: string): AuditEntry[] {
    return this.store.recentAudit(limit, target);
  }
}
