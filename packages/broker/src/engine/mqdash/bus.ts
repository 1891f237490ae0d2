/**
 * The bus: how a published message reaches the node(s) holding matching sessions. The engine
 * publishes every accepted message to the bus and routes what the bus hands back. In-process here;
 * a bus between nodes (Redis) is a new file implementing the same interface.
 */
import type { EngineMessage } from './types.ts';

export type BusHandler = (message: EngineMessage) => void;

export interface Bus {
  /**
   * True when `publish` reaches every subscriber synchronously in this process, so the engine can
   * answer PUBACK/PUBREC 0x10 (no matching subscribers); a bus between nodes says false.
   */
  readonly reachesAllSubscribers: boolean;
  publish(message: EngineMessage): void;
  /** Registers the node's router; returns the function that unregisters it. */
  subscribe(handler: BusHandler): () => void;
  close(): Promise<void>;
}

/** One process: a message goes synchronously to every registered handler. */
export class InProcessBus implements Bus {
  readonly reachesAllSubscribers = true;
  private readonly handlers = new Set<BusHandler>();

  publish(message: EngineMessage): void {
    for (const handler of this.handlers) handler(message);
  }

  subscribe(handler: BusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
