import { utf8String } from './common.ts';

const SHARE_PREFIX = '$share/';

/**
 * The parts of a shared subscription `$share/{ShareName}/{filter}` [MQTT-4.8.2], or null when
 * the filter is not one. The parts are not checked here (topicFilterProblem does).
 */
export function sharedSubscriptionParts(filter: string): { group: string; filter: string } | null {
  if (!filter.startsWith(SHARE_PREFIX)) return null;
  const slash = filter.indexOf('/', SHARE_PREFIX.length);
  return slash < 0
    ? { group: filter.slice(SHARE_PREFIX.length), filter: '' }
    : { group: filter.slice(SHARE_PREFIX.length, slash), filter: filter.slice(slash + 1) };
}

/** Why a topic filter breaks MQTT's rules [MQTT-4.7.1], or null when it is valid. */
export function topicFilterProblem(filter: string): string | null {
  const shared = sharedSubscriptionParts(filter);
  if (shared) {
    // [MQTT-4.8.2-1] a ShareName of at least one character, without "/", "+" or "#"; [MQTT-4.8.2-2] then "/" and a topic filter.
    if (shared.group.length === 0) return 'of a shared subscription needs a share name: "$share/{ShareName}/{filter}" [MQTT-4.8.2-1]';
    if (/[+#]/.test(shared.group)) return 'of a shared subscription has a share name with "+" or "#" [MQTT-4.8.2-1]';
    if (shared.filter.length === 0) return 'of a shared subscription needs "/" and a topic filter after the share name: "$share/{ShareName}/{filter}" [MQTT-4.8.2-2]';
    const inner = topicFilterProblem(shared.filter);
    return inner ? `of the shared subscription: its filter ${inner}` : null;
  }
  if (filter.length === 0) return 'must not be empty [MQTT-4.7.3-1]';
  if (filter.includes('\u0000')) return 'must not contain the null character [MQTT-4.7.3-2]';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1))
      return '"#" must be a whole level and the last one [MQTT-4.7.1-2]';
    if (level.includes('+') && level !== '+') return '"+" must be a whole level [MQTT-4.7.1-3]';
  }
  return null;
}

/**
 * Whether a topic name matches a topic filter [MQTT-4.7]: `+` is one level, `#` the rest (the
 * parent level included), and a filter starting with a wildcard does not match `$` topics.
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** A topic name for PUBLISH: no wildcards [MQTT-3.3.2-2]. */
export function topicNameProblem(topic: string): string | null {
  if (topic.length === 0) return 'must not be empty [MQTT-4.7.3-1]';
  if (topic.includes('\u0000')) return 'must not contain the null character [MQTT-4.7.3-2]';
  if (topic.includes('+') || topic.includes('#')) return 'must not contain wildcards "+" or "#" [MQTT-3.3.2-2]';
  return null;
}

export const topicFilterSchema = utf8String(1, 65535).superRefine((f, ctx) => {
  const problem = topicFilterProblem(f);
  if (problem) ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: `topic filter ${problem}` });
});

export const topicNameSchema = utf8String(1, 65535).superRefine((t, ctx) => {
  const problem = topicNameProblem(t);
  if (problem) ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: `topic ${problem}` });
});
