import { MIN_SUBSTRING_SEARCH, parseIpFilter } from '@mqdash/contracts';
import { ipSortKey } from './ip-sort.ts';
import type { SessionQuery } from './types.ts';

/** The highest code point: every string that starts with `p` sorts below `p + MAX_CHAR` but for ones continuing with it. */
const MAX_CHAR = '\u{10FFFF}';

/** SQL conditions (ANDed) and their arguments. */
export interface Conditions {
  where: string[];
  args: unknown[];
}

/** A client-name prefix as a range on the unique index, then an exact check for names continuing with U+10FFFF. */
export function prefixCondition(c: Conditions, prefix: string): void {
  c.where.push('client_name >= ? AND client_name < ? AND substr(client_name, 1, ?) = ?');
  c.args.push(prefix, prefix + MAX_CHAR, [...prefix].length, prefix);
}

/** An FTS5 phrase: the term in double quotes, its own quotes doubled, so no character is query syntax. */
const ftsPhrase = (term: string) => `"${term.replaceAll('"', '""')}"`;

/**
 * Issue 13's search filters as SQL on `sessions` (migration 2026-12-03-session-search):
 * - `searchText` of 3 characters or more: the trigram index `sessions_search` (any substring of
 *   client name, user name, IP address or label name, any letter case); shorter: a client-name
 *   prefix on the unique index, as a trigram index cannot answer it;
 * - user names: `sessions_username`; IP addresses and CIDR ranges: ranges of `ip_sort`
 *   (store/ip-sort.ts keys sort in address order, so a range of addresses is a range of keys);
 * - protocol versions; a set of labels by id and whole groups.
 * Returns whether a condition served by an index was added (the caller then keeps the
 * low-cardinality status columns out of index selection, as it does for a prefix).
 */
export function searchConditions(c: Conditions, q: SessionQuery): boolean {
  let selective = false;
  const term = q.searchText ?? '';
  if ([...term].length >= MIN_SUBSTRING_SEARCH) {
    c.where.push('id IN (SELECT rowid FROM sessions_search WHERE sessions_search MATCH ?)');
    c.args.push(ftsPhrase(term));
    selective = true;
  } else if (term) {
    prefixCondition(c, term);
    selective = true;
  }
  if (q.usernames?.length) {
    c.where.push(`username IN (${q.usernames.map(() => '?').join(', ')})`);
    c.args.push(...q.usernames);
    selective = true;
  }
  if (q.ipFilters?.length) {
    const ranges = q.ipFilters.map((f) => parseIpFilter(f));
    c.where.push(`(${ranges.map(() => 'ip_sort BETWEEN ? AND ?').join(' OR ')})`);
    for (const r of ranges) c.args.push(ipSortKey(r.first), ipSortKey(r.last));
    selective = true;
  }
  if (q.protocols?.length) {
    c.where.push(`mqtt_protocol IN (${q.protocols.map(() => '?').join(', ')})`);
    c.args.push(...q.protocols);
  }
  if (q.labelSet) {
    const { ids, groups } = q.labelSet;
    const parts: string[] = [];
    if (ids.length) {
      parts.push(`label_id IN (${ids.map(() => '?').join(', ')})`);
      c.args.push(...ids);
    }
    if (groups.length) {
      parts.push(`label_id IN (SELECT id FROM labels WHERE grp IN (${groups.map(() => '?').join(', ')}))`);
      c.args.push(...groups);
    }
    c.where.push(parts.length ? `(${parts.join(' OR ')})` : '0');
  }
  return selective;
}
