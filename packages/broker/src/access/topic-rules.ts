import { sharedSubscriptionParts, topicMatches, type PermissionDecision } from '@mqdash/contracts';
import type { TopicPermissionRow } from '../store/access-store.ts';
import type { ConnectionIdentity } from './types.ts';

export type Operation = 'publish' | 'subscribe';

/**
 * A placeholder's value is used only when it is one plain topic level: a client id "#" or a user
 * name "a/b" must not widen a rule such as `devices/%c/#` beyond the client's own subtree.
 */
const plainLevel = (v: string | null): v is string => v !== null && v.length > 0 && !/[/+#]/.test(v);

/** The rule's filter for this connection; null when a placeholder cannot be filled (the rule does not apply). */
function filterFor(rule: Pick<TopicPermissionRow, 'topicFilter'>, who: ConnectionIdentity): string | null {
  let f = rule.topicFilter;
  if (f.includes('%u')) {
    if (!plainLevel(who.username)) return null;
    f = f.replaceAll('%u', who.username);
  }
  if (f.includes('%c')) {
    if (!plainLevel(who.clientId)) return null;
    f = f.replaceAll('%c', who.clientId);
  }
  return f;
}

/**
 * Whether a rule's filter covers a subscription's filter: every topic the subscription can match,
 * the rule matches too. `+` covers one level (not `#`), `#` the rest; a literal only itself.
 */
export function filterCovers(rule: string, sub: string): boolean {
  if (sub.startsWith('$') && (rule.startsWith('+') || rule.startsWith('#'))) return false;
  const r = rule.split('/');
  const s = sub.split('/');
  for (let i = 0; i < r.length; i++) {
    if (r[i] === '#') return true;
    if (i >= s.length) return false;
    if (r[i] === '+') {
      if (s[i] === '#') return false;
      continue;
    }
    if (r[i] !== s[i]) return false;
  }
  return r.length === s.length;
}

const appliesTo = (rule: TopicPermissionRow, who: ConnectionIdentity) =>
  rule.subject === 'everyone' || (rule.subject === 'anonymous' ? who.account === null : who.account !== null && who.account === rule.username);

/** Whether an operation's topic (a subscription's filter) is judged by its filter, not a share name [MQTT-4.8.2]. */
const targetOf = (op: Operation, topic: string) => (op === 'subscribe' ? (sharedSubscriptionParts(topic)?.filter ?? topic) : topic);

const covers = (op: Operation, filter: string, target: string) => (op === 'publish' ? topicMatches(filter, target) : filterCovers(filter, target));

/**
 * A token's topic permissions (JWT `acl` claim): null when it lists none for this operation (the
 * stored rules decide), else whether one of its filters (`%u`, `%c` filled) covers the topic.
 */
export function claimDecision(who: ConnectionIdentity, op: Operation, topic: string): boolean | null {
  const filters = op === 'publish' ? who.permissions?.publish : who.permissions?.subscribe;
  if (!filters) return null;
  const target = targetOf(op, topic);
  return filters.some((topicFilter) => {
    const f = filterFor({ topicFilter }, who);
    return f !== null && covers(op, f, target);
  });
}

/**
 * The first rule, in order, that applies to the connection, covers the operation and matches the
 * topic decides; none: the default. Returns the decision and the rule that made it.
 */
export function decide(rules: readonly TopicPermissionRow[], who: ConnectionIdentity, op: Operation, topic: string, fallback: PermissionDecision): { permission: PermissionDecision; rule: TopicPermissionRow | null } {
  // [MQTT-4.8.2] a shared subscription is judged by its topic filter, not its share name.
  const target = targetOf(op, topic);
  for (const rule of rules) {
    if (rule.action !== 'all' && rule.action !== op) continue;
    if (!appliesTo(rule, who)) continue;
    const f = filterFor(rule, who);
    if (f === null) continue;
    if (covers(op, f, target)) return { permission: rule.permission, rule };
  }
  return { permission: fallback, rule: null };
}
