/** Topic names and filters: the rules of MQTT 3.1.1 §4.7 and 5.0 §4.7 and §4.8.2 (shared). */

/** A topic name a PUBLISH may carry: non-empty, no wildcards [MQTT-3.3.2-2], no NUL [MQTT-4.7.3-2]. */
export function isValidTopicName(topic: string): boolean {
  return topic.length > 0 && !topic.includes('+') && !topic.includes('#') && !topic.includes('\u0000');
}

/**
 * A topic filter: non-empty [MQTT-4.7.3-1]; `#` only as the last level on its own [MQTT-4.7.1-1];
 * `+` only as a whole level [MQTT-4.7.1-2].
 */
export function isValidTopicFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  return levels.every((level, i) => {
    if (level.includes('#')) return level === '#' && i === levels.length - 1;
    if (level.includes('+')) return level === '+';
    return true;
  });
}

export interface ParsedFilter {
  topicFilter: string;
  group?: string;
}

/**
 * Splits `$share/{group}/{filter}` [MQTT-4.8.2-1, 4.8.2-2]: the share name is at least one
 * character without `/`, `+` or `#`, followed by a valid filter. Undefined when invalid.
 */
export function parseFilter(filter: string): ParsedFilter | undefined {
  if (!filter.startsWith('$share/')) return isValidTopicFilter(filter) ? { topicFilter: filter } : undefined;
  const rest = filter.slice('$share/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const group = rest.slice(0, slash);
  const topicFilter = rest.slice(slash + 1);
  if (/[+#]/.test(group) || !isValidTopicFilter(topicFilter)) return undefined;
  return { group, topicFilter };
}

/** [MQTT-4.7.2-1] filters starting with a wildcard do not match topics starting with `$`. */
export function wildcardReaches(topicFilter: string, topic: string): boolean {
  return !(topic.startsWith('$') && (topicFilter.startsWith('+') || topicFilter.startsWith('#')));
}

/** Whether a topic name matches a filter (used for retained messages, outside the trie). */
export function topicMatches(topicFilter: string, topic: string): boolean {
  if (!wildcardReaches(topicFilter, topic)) return false;
  const f = topicFilter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
