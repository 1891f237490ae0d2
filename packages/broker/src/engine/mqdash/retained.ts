/**
 * Retained messages: one per topic [MQTT-3.3.1-5], cleared by an empty payload at any QoS
 * [MQTT-3.3.1-6, 3.3.1-7]. An interface so that a durable store (SQLite, PostgreSQL) is a new file.
 */
import type { EngineMessage } from './types.ts';
import { topicMatches } from './topics.ts';

export interface RetainedStore {
  /** Stores the message, or clears the topic when the payload is empty. */
  put(message: EngineMessage): void;
  /** Unexpired retained messages whose topic matches the filter. */
  match(topicFilter: string, now: number): EngineMessage[];
  count(): number;
}

export class MemoryRetainedStore implements RetainedStore {
  private readonly byTopic = new Map<string, EngineMessage>();

  put(message: EngineMessage): void {
    if (message.payload.length === 0) this.byTopic.delete(message.topic);
    else this.byTopic.set(message.topic, message);
  }

  match(topicFilter: string, now: number): EngineMessage[] {
    const found: EngineMessage[] = [];
    for (const [topic, message] of this.byTopic) {
      if (message.expiresAt !== undefined && message.expiresAt <= now) {
        this.byTopic.delete(topic); // [MQTT-3.3.2-5] an expired retained message is no longer sent
        continue;
      }
      if (topicMatches(topicFilter, topic)) found.push(message);
    }
    return found;
  }

  count(): number {
    return this.byTopic.size;
  }
}
