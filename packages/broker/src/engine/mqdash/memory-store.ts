/** The default `SessionStore`: state kept in this process only, gone with it. */
import type { SessionState, SessionStore } from './persistence.ts';
import { MemoryRetainedStore } from './retained.ts';

export class MemorySessionStore implements SessionStore {
  readonly retained = new MemoryRetainedStore();
  private readonly sessions = new Map<string, SessionState>();

  loadSessions(): Promise<SessionState[]> {
    return Promise.resolve([...this.sessions.values()]);
  }

  saveSession(state: SessionState): void {
    this.sessions.set(state.clientId, state);
  }

  removeSession(clientId: string): void {
    this.sessions.delete(clientId);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
