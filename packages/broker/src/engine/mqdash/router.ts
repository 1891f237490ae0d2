/**
 * The router: which sessions a topic reaches, through qlobber's trie. Overlapping subscriptions of
 * one session give one delivery with the highest granted QoS and every subscription identifier
 * [MQTT-3.3.4-2, 3.3.4-3, 3.3.4-4]. A shared group `$share/{group}/{filter}` gives one delivery per message
 * (MQTT 5 §4.8.2), to its members in turn at each member's granted QoS [MQTT-4.8.2-3], skipping members that are offline while any is online; a
 * group with no member online queues the message for the next member in turn.
 */
import { Qlobber } from 'qlobber';
import type { QoS } from 'mqtt-packet';
import type { EngineMessage, Subscription } from './types.ts';
import { wildcardReaches } from './topics.ts';

export interface Delivery {
  clientId: string;
  qos: QoS;
  /** The RETAIN flag to send: kept only for Retain As Published subscriptions [MQTT-3.3.1-12, 3.3.1-13]. */
  retain: boolean;
  subscriptionIds: number[];
}

interface SharedGroup {
  members: Subscription[];
  next: number;
}

export class Router {
  private readonly trie = new Qlobber<Subscription>({ separator: '/', wildcard_one: '+', wildcard_some: '#', match_empty_levels: true });
  private readonly groups = new Map<string, SharedGroup>();

  add(subscription: Subscription): void {
    this.trie.add(subscription.topicFilter, subscription);
    if (subscription.group === undefined) return;
    const group = this.groups.get(subscription.filter) ?? { members: [], next: 0 };
    group.members.push(subscription);
    this.groups.set(subscription.filter, group);
  }

  remove(subscription: Subscription): void {
    this.trie.remove(subscription.topicFilter, subscription);
    if (subscription.group === undefined) return;
    const group = this.groups.get(subscription.filter);
    if (!group) return;
    group.members = group.members.filter((member) => member !== subscription);
    if (group.members.length === 0) this.groups.delete(subscription.filter);
  }

  /** Whether any subscription (shared ones included) matches the topic; changes nothing. */
  matches(topic: string): boolean {
    for (const sub of this.trie.match(topic)) if (wildcardReaches(sub.topicFilter, topic)) return true;
    return false;
  }

  /** The deliveries for one message; `isOnline` tells connected sessions (for shared groups). */
  route(message: EngineMessage, isOnline: (clientId: string) => boolean): Delivery[] {
    const perClient = new Map<string, Delivery>();
    const sharedKeys = new Set<string>();
    for (const sub of this.trie.match(message.topic)) {
      if (!wildcardReaches(sub.topicFilter, message.topic)) continue;
      if (sub.group !== undefined) {
        sharedKeys.add(sub.filter);
        continue;
      }
      if (sub.noLocal && sub.clientId === message.origin) continue; // [MQTT-3.8.3-3]
      merge(perClient, sub, message, sub.retainAsPublished && message.retain);
    }
    const deliveries = [...perClient.values()];
    // a shared group's copy is separate: a client that also holds a matching non-shared subscription
    // may get both (MQTT 5 §4.8.2)
    for (const key of sharedKeys) {
      const member = this.pickMember(key, isOnline);
      if (!member) continue;
      const shared = new Map<string, Delivery>();
      merge(shared, member, message, false);
      deliveries.push(...shared.values());
    }
    return deliveries;
  }

  private pickMember(key: string, isOnline: (clientId: string) => boolean): Subscription | undefined {
    const group = this.groups.get(key);
    if (!group || group.members.length === 0) return undefined;
    const count = group.members.length;
    const anyOnline = group.members.some((member) => isOnline(member.clientId));
    for (let i = 0; i < count; i++) {
      const member = group.members[(group.next + i) % count]!;
      if (anyOnline && !isOnline(member.clientId)) continue;
      group.next = (group.next + i + 1) % count;
      return member;
    }
    return undefined;
  }
}

function merge(perClient: Map<string, Delivery>, sub: Subscription, message: EngineMessage, retain: boolean): void {
  const qos = Math.min(sub.qos, message.qos) as QoS; // [MQTT-3.8.4-8] the lower of granted and published
  const existing = perClient.get(sub.clientId);
  if (!existing) {
    perClient.set(sub.clientId, { clientId: sub.clientId, qos, retain, subscriptionIds: sub.subscriptionId ? [sub.subscriptionId] : [] });
    return;
  }
  existing.qos = Math.max(existing.qos, qos) as QoS;
  existing.retain ||= retain;
  if (sub.subscriptionId) existing.subscriptionIds.push(sub.subscriptionId);
}
