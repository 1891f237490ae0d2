/**
 * Retained messages: one per topic [MQTT-3.3.1-5], cleared by an empty payload at any QoS
 * [MQTT-3.3.1-6, 3.3.1-7]. An interface so that a durable store (SQLite, PostgreSQL) is a new file.
 */
import type { EngineMessage } from './types.ts';

export interface RetainedStore {
  /** Stores the message, or clears the topic when the payload is empty. */
  put(message: EngineMessage): void;
  /** Unexpired retained messages whose topic matches the filter. */
  match(topicFilter: string, now: number): EngineMessage[];
  count(): number;
}

interface Node {
  children: Map<string, Node>;
  message?: EngineMessage;
}

const newNode = (): Node => ({ children: new Map() });

/**
 * In memory, as a tree of topic levels, so that a SUBSCRIBE walks only the branches its filter can
 * reach instead of every retained topic.
 */
export class MemoryRetainedStore implements RetainedStore {
  private readonly root = newNode();
  private size = 0;

  put(message: EngineMessage): void {
    const levels = message.topic.split('/');
    if (message.payload.length === 0) return this.remove(levels);
    let node = this.root;
    for (const level of levels) {
      let child = node.children.get(level);
      if (!child) node.children.set(level, (child = newNode()));
      node = child;
    }
    if (!node.message) this.size++;
    node.message = message;
  }

  match(topicFilter: string, now: number): EngineMessage[] {
    const found: EngineMessage[] = [];
    this.walk(this.root, topicFilter.split('/'), 0, now, found);
    return found;
  }

  count(): number {
    return this.size;
  }

  private walk(node: Node, filter: string[], depth: number, now: number, found: EngineMessage[]): void {
    if (depth === filter.length) return this.take(node, now, found);
    const level = filter[depth]!;
    if (level === '#') {
      this.take(node, now, found); // `a/#` also matches `a` [MQTT-4.7.1-1]
      for (const [name, child] of node.children) if (reachable(name, depth)) this.collectAll(child, now, found);
      return;
    }
    if (level === '+') {
      for (const [name, child] of node.children) if (reachable(name, depth)) this.walk(child, filter, depth + 1, now, found);
      return;
    }
    const child = node.children.get(level);
    if (child) this.walk(child, filter, depth + 1, now, found);
  }

  private collectAll(node: Node, now: number, found: EngineMessage[]): void {
    this.take(node, now, found);
    for (const child of node.children.values()) this.collectAll(child, now, found);
  }

  private take(node: Node, now: number, found: EngineMessage[]): void {
    const message = node.message;
    if (!message) return;
    if (message.expiresAt !== undefined && message.expiresAt <= now) {
      this.remove(message.topic.split('/')); // [MQTT-3.3.2-5] an expired retained message is no longer sent
      return;
    }
    found.push(message);
  }

  private remove(levels: string[]): void {
    const path: Node[] = [this.root];
    for (const level of levels) {
      const child = path[path.length - 1]!.children.get(level);
      if (!child) return;
      path.push(child);
    }
    const leaf = path[path.length - 1]!;
    if (!leaf.message) return;
    leaf.message = undefined;
    this.size--;
    // prune branches left empty
    for (let i = levels.length; i > 0; i--) {
      const node = path[i]!;
      if (node.message || node.children.size > 0) break;
      path[i - 1]!.children.delete(levels[i - 1]!);
    }
  }
}

/** [MQTT-4.7.2-1] a wildcard in the first level does not reach topics starting with `$`. */
function reachable(name: string, depth: number): boolean {
  return depth > 0 || !name.startsWith('$');
}
