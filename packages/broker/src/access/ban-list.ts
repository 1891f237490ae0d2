import { parseIpFilter, type BanType, type IpRange } from '@mqdash/contracts';
import type { BanRow } from '../store/access-store.ts';
import type { ConnectFacts } from './types.ts';

interface PatternBan { row: BanRow; re: RegExp }
interface RangeBan { row: BanRow; range: IpRange }

const active = (row: BanRow, now: number) => row.expiresAt === null || row.expiresAt > now;

/** An address as an `ipAddress` ban stores it (contracts canonicalBanValue); null when it is not one. */
function canonicalAddress(ip: string): string | null {
  try {
    return parseIpFilter(ip).first;
  } catch {
    return null;
  }
}

/**
 * The ban list in memory, built from the stored rows: exact bans in one map (a lookup per CONNECT
 * whatever their number), patterns and ranges tried in turn. Expired bans never match.
 */
export class BanMatcher {
  private readonly exact = new Map<string, BanRow>();
  private readonly patterns: PatternBan[] = [];
  private readonly ranges: RangeBan[] = [];

  constructor(rows: BanRow[]) {
    for (const row of rows) {
      try {
        if (row.banType === 'clientNamePattern' || row.banType === 'usernamePattern') this.patterns.push({ row, re: new RegExp(row.value, 'u') });
        else if (row.banType === 'ipRange') this.ranges.push({ row, range: parseIpFilter(row.value) });
        else this.exact.set(key(row.banType, row.value), row);
      } catch {
        // Validated when created (contracts banValueProblem); a row that no longer parses (edited
        // by hand) is skipped rather than stopping every CONNECT check.
      }
    }
  }

  get size(): number {
    return this.exact.size + this.patterns.length + this.ranges.length;
  }

  /** The first active ban that matches the client, or null. */
  match(c: ConnectFacts, now: number): BanRow | null {
    if (this.size === 0) return null;
    const hit = (row: BanRow | undefined) => (row && active(row, now) ? row : null);
    const byId = hit(this.exact.get(key('clientName', c.clientId)));
    if (byId) return byId;
    if (c.username !== null) {
      const byUser = hit(this.exact.get(key('username', c.username)));
      if (byUser) return byUser;
    }
    const address = c.remoteAddress !== null ? canonicalAddress(c.remoteAddress) : null;
    if (address !== null) {
      const byIp = hit(this.exact.get(key('ipAddress', address)));
      if (byIp) return byIp;
    }
    for (const p of this.patterns) {
      if (!active(p.row, now)) continue;
      const subject = p.row.banType === 'clientNamePattern' ? c.clientId : c.username;
      if (subject !== null && p.re.test(subject)) return p.row;
    }
    if (address !== null) for (const r of this.ranges) if (active(r.row, now) && r.range.contains(address)) return r.row;
    return null;
  }
}

const key = (t: BanType, v: string) => `${t}\u0000${v}`;

/** The reason of the `clientName` entry a session's Ban makes (issue 12: one mechanism). */
export const SESSION_BAN_REASON = 'session banned';

/** A ban's refusal in words (Reason String, session's last failed connect); a session's Ban keeps its words. */
export const banReason = (row: BanRow): string => row.banType === 'clientName' && row.reason === SESSION_BAN_REASON ? 'session is banned' : `banned (${row.banType} ${JSON.stringify(row.value)})${row.reason ? `: ${row.reason}` : ''}`;
