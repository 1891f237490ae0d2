import { Qlobber } from 'qlobber';
import { sharedSubscriptionParts } from '@mqdash/contracts';

/** What the matcher needs of a session's queue. */
export interface MatchedQueue {
  readonly clientName: string;
  /** Messages queued for the session (stored and not yet written): a shared group's load measure. */
  load(): number;
}

/** One subscription of an MQ API session, as the matcher holds it. */
export interface Subscription<Q extends MatchedQueue> {
  queue: Q;
  filter: string;
  qos: number;
  noLocal: boolean;
  retainAsPublished: boolean;
  /** FairCom's includeExpiredMessages: the message is kept past its expiry for this session. */
  includeExpired: boolean;
}

/** The members of one shared subscription `$share/{group}/{filter}` [MQTT-4.8.2]. */
interface SharedGroup<Q extends MatchedQueue> {
  key: string;
  members: Array<Subscription<Q>>;
  /** Round robin among the least loaded members. */
  next: number;
  /** The entry the group was added to qlobber as (it removes by identity). */
  entry?: Entry<Q>;
}

type Entry<Q extends MatchedQueue> = { sub: Subscription<Q>; group?: undefined } | { group: SharedGroup<Q>; sub?: undefined };

/** A filter starting with a wildcard does not match topics beginning with `$` [MQTT-4.7.2-1]. */
const leadingWildcard = (f: string) => f.startsWith('+') || f.startsWith('#');

/**
 * The topic matcher of the MQ API session queues: qlobber (as aedes uses) over every MQ API
 * session's subscriptions. A plain subscription matches for its session; a shared one joins the
 * group of every session subscribed with the same `$share/{group}/{filter}`, and a message matching
 * the group goes to one member [MQTT-4.8.2]: the one with the fewest queued messages, in turn among
 * equals, so a member that keeps fetching takes the work and an idle one does not collect it.
 */
export class SubscriptionMatcher<Q extends MatchedQueue> {
  /** Subscriptions held (shared ones counted per member). */
  size = 0;
  private readonly qlobber = new Qlobber<Entry<Q>>({ separator: '/', wildcard_one: '+', wildcard_some: '#', match_empty_levels: true });
  private readonly groups = new Map<string, SharedGroup<Q>>();
  /** The entry each plain subscription was added as (qlobber removes by identity). */
  private readonly entries = new Map<Subscription<Q>, Entry<Q>>();

  /** Adds a subscription; false when qlobber refuses its filter (deeper than the topic level limit). */
  add(sub: Subscription<Q>): boolean {
    const shared = sharedSubscriptionParts(sub.filter);
    if (!shared) {
      const entry: Entry<Q> = { sub };
      try {
        this.qlobber.add(sub.filter, entry);
      } catch {
        return false;
      }
      this.entries.set(sub, entry);
    } else {
      let group = this.groups.get(sub.filter);
      if (!group) {
        group = { key: sub.filter, members: [], next: 0 };
        group.entry = { group };
        try {
          this.qlobber.add(shared.filter, group.entry);
        } catch {
          return false;
        }
        this.groups.set(sub.filter, group);
      }
      group.members.push(sub);
    }
    this.size++;
    return true;
  }

  remove(sub: Subscription<Q>): void {
    const shared = sharedSubscriptionParts(sub.filter);
    if (!shared) {
      const entry = this.entries.get(sub);
      if (!entry) return;
      this.qlobber.remove(sub.filter, entry);
      this.entries.delete(sub);
    } else {
      const group = this.groups.get(sub.filter);
      const i = group ? group.members.indexOf(sub) : -1;
      if (!group || i < 0) return;
      group.members.splice(i, 1);
      if (group.members.length === 0) {
        this.qlobber.remove(shared.filter, group.entry);
        this.groups.delete(sub.filter);
      }
    }
    this.size--;
  }

  /** Whether any subscription matches `topic` (without choosing group members). */
  any(topic: string): boolean {
    const dollar = topic.charCodeAt(0) === 36;
    return this.qlobber.match(topic).some((e) => !dollar || !leadingWildcard(e.sub ? e.sub.filter : sharedSubscriptionParts(e.group.key)!.filter));
  }

  /**
   * Where a message on `topic` goes: one subscription per session among its plain ones (the highest
   * QoS granted), then one member per shared group. A session may get a message twice, once for a
   * plain and once for a shared subscription, as MQTT 5 says [MQTT-4.8.2].
   */
  match(topic: string, publisher: string | null): Array<Subscription<Q>> {
    const entries = this.qlobber.match(topic);
    if (entries.length === 0) return [];
    const dollar = topic.charCodeAt(0) === 36;
    const out: Array<Subscription<Q>> = [];
    let best: Map<Q, Subscription<Q>> | null = null;
    for (const e of entries) {
      if (e.sub) {
        const s = e.sub;
        if (dollar && leadingWildcard(s.filter)) continue;
        // MQTT 5 No Local: not the session's own messages [MQTT-3.8.3-3].
        if (s.noLocal && publisher === s.queue.clientName) continue;
        if (entries.length === 1) return [s];
        best ??= new Map();
        const have = best.get(s.queue);
        if (!have || s.qos > have.qos) best.set(s.queue, s);
      } else {
        const g = e.group;
        if (dollar && leadingWildcard(sharedSubscriptionParts(g.key)!.filter)) continue;
        const chosen = pick(g);
        if (chosen) out.push(chosen);
      }
    }
    return best ? [...best.values(), ...out] : out;
  }
}

/** The least loaded member of a group, in turn among equals. */
function pick<Q extends MatchedQueue>(g: SharedGroup<Q>): Subscription<Q> | undefined {
  const n = g.members.length;
  let chosen: Subscription<Q> | undefined;
  let chosenAt = 0;
  let least = Infinity;
  for (let k = 0; k < n; k++) {
    const i = (g.next + k) % n;
    const load = g.members[i]!.queue.load();
    if (load < least) {
      least = load;
      chosen = g.members[i];
      chosenAt = i;
    }
  }
  g.next = (chosenAt + 1) % n;
  return chosen;
}
