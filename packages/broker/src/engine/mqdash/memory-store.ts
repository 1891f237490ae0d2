/** The default `SessionStore`: state kept in this process only, gone with it. */
import type { DurableCallback, SessionMeta, SessionState, SessionStore, StoredMessage } from './persistence.ts';
import { MemoryRetainedStore } from './retained.ts';

interface MemoryMessage extends StoredMessage {
  packetId?: number;
  state?: 'publish' | 'pubrel';
}

export class MemorySessionStore implements SessionStore {
  readonly retained = new MemoryRetainedStore();
  private readonly sessions = new Map<string, SessionMeta>();
  /** Per client, its messages by seq (a Map keeps insertion order, which is seq order). */
  private readonly messages = new Map<string, Map<number, MemoryMessage>>();

  loadSessions(): Promise<SessionState[]> {
    const states = [...this.sessions.values()].map((meta): SessionState => {
      const state: SessionState = { ...meta, inFlight: [], queue: [] };
      for (const { seq, outgoing, packetId, state: flight } of this.messages.get(meta.clientId)?.values() ?? []) {
        if (packetId === undefined) state.queue.push({ seq, outgoing });
        else state.inFlight.push({ seq, outgoing, packetId, state: flight! });
      }
      return state;
    });
    return Promise.resolve(states);
  }

  saveSession(meta: SessionMeta): void {
    this.sessions.set(meta.clientId, meta);
  }

  removeSession(clientId: string): void {
    this.sessions.delete(clientId);
    this.messages.delete(clientId);
  }

  addMessage(clientId: string, message: StoredMessage): void {
    let messages = this.messages.get(clientId);
    if (!messages) this.messages.set(clientId, (messages = new Map()));
    messages.set(message.seq, { seq: message.seq, outgoing: message.outgoing });
  }

  markInFlight(clientId: string, seq: number, packetId: number, state: 'publish' | 'pubrel'): void {
    const message = this.messages.get(clientId)?.get(seq);
    if (!message) return;
    message.packetId = packetId;
    message.state = state;
  }

  removeMessage(clientId: string, seq: number): void {
    this.messages.get(clientId)?.delete(seq);
  }

  afterDurable(callback: DurableCallback): void {
    callback(null);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
