import type { Logger } from 'pino';
import type { SessionRegistry } from '../registry/registry.ts';
import type { SessionEventRow, Store } from '../store/types.ts';

type RegistryEvent = { type: SessionEventRow['type']; clientName: string } & Record<string, unknown>;

/**
 * Issue 13, the session timeline: writes the registry's connects, disconnects, refused connects and
 * health turns into `session_events` (bounded per session by the store) and drops a session's
 * events when the session is removed. A refusal of a name without a session leaves nothing behind,
 * so a stream of random client ids cannot grow the table. A failed write is logged, never thrown
 * into the broker's connect path.
 */
export class SessionEventLog {
  constructor(private readonly store: Store, private readonly registry: SessionRegistry, private readonly log: Logger, private readonly now: () => number = Date.now) {}

  start(): void {
    this.registry.on('event', (e: RegistryEvent) => this.write(e));
    this.registry.on('removed', (clientName: string) => this.guard(() => this.store.deleteSessionEvents(clientName)));
  }

  private write(e: RegistryEvent): void {
    const { type, clientName, ...details } = e;
    if (type === 'refused' && !this.store.getSession(clientName)) return;
    this.guard(() => this.store.appendSessionEvent({ clientName, ts: this.now(), type, details }));
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'a session timeline event could not be written');
    }
  }
}
