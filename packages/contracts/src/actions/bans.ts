import { z } from 'zod';
import { maxChars, utf8String } from '../common.ts';
import { parseIpFilter } from '../ip-filter.ts';

/**
 * The ban list (issue 12, mqdash extension): bans by client id, user name or address that need no
 * session, each with a reason, who made it and when, and an optional expiry. Enforced at CONNECT
 * (MQTT 5: 0x8A Banned; 3.1.1: return code 5); a new ban disconnects the matching clients.
 * The six kinds are EMQX's `as` values (clientid, clientid_re, username, username_re, peerhost,
 * peerhost_net) in FairCom's words.
 */
export const banTypes = ['clientName', 'clientNamePattern', 'username', 'usernamePattern', 'ipAddress', 'ipRange'] as const;
export type BanType = (typeof banTypes)[number];

/** Longest regular expression a pattern ban takes: it runs at every CONNECT. */
export const BAN_PATTERN_MAX = 256;
export const BAN_REASON_MAX = 1024;
export const MAX_BANS_PER_PAGE = 1000;

/** Why `value` is not a valid ban of this type, or null. */
export function banValueProblem(banType: BanType, value: string): string | null {
  if (value.length === 0) return 'must not be empty';
  switch (banType) {
    case 'clientNamePattern':
    case 'usernamePattern':
      if (value.length > BAN_PATTERN_MAX) return `must be a regular expression of at most ${BAN_PATTERN_MAX} characters`;
      try {
        new RegExp(value, 'u');
      } catch (err) {
        return `must be a valid regular expression: ${(err as Error).message}`;
      }
      return null;
    case 'ipAddress':
    case 'ipRange': {
      if (banType === 'ipAddress' && value.includes('/')) return 'must be one IP address (a range is banType "ipRange")';
      if (banType === 'ipRange' && !value.includes('/')) return 'must be a CIDR range such as 10.0.0.0/8 (one address is banType "ipAddress")';
      try {
        parseIpFilter(value);
      } catch (err) {
        return (err as Error).message;
      }
      return null;
    }
    default:
      return null;
  }
}

/** The stored form of a ban's value: addresses and ranges as ipaddr.js writes them, so one address has one entry. */
export function canonicalBanValue(banType: BanType, value: string): string {
  if (banType === 'ipAddress') return parseIpFilter(value).first;
  if (banType === 'ipRange') {
    const r = parseIpFilter(value);
    const slash = value.indexOf('/');
    const prefix = Number(value.slice(slash + 1).trim());
    // An IPv4-mapped range (::ffff:10.0.0.0/104) is stored as the IPv4 range it is (10.0.0.0/8).
    const mapped = r.kind === 'ipv4' && value.slice(0, slash).includes(':');
    return `${r.first}/${mapped ? prefix - 96 : prefix}`;
  }
  return value;
}

const banValue = utf8String(1, 65535);

const withValidValue = <T extends { banType: BanType; value: string }>(p: T, ctx: z.RefinementCtx) => {
  const problem = banValueProblem(p.banType, p.value);
  if (problem) ctx.addIssue({ code: 'custom', path: ['value'], params: { errorCode: 'outOfLimits' }, message: problem });
};

const dateTime = z.iso.datetime({ offset: true });

export const createBanParams = z.object({
  banType: z.enum(banTypes),
  value: banValue,
  reason: utf8String(0, BAN_REASON_MAX).default(''),
  /** When the ban ends (ISO 8601); omitted or null: never. Must be in the future. */
  expiresDateTime: dateTime.nullable().optional(),
}).superRefine(withValidValue);
export type CreateBanParams = z.infer<typeof createBanParams>;
export type CreateBanInput = z.input<typeof createBanParams>;

export const listBansParams = z.object({
  banType: z.enum(banTypes).optional(),
  /** Exactly this value (with banType: one ban). */
  value: banValue.optional(),
  /** Part of the value, case-insensitive. */
  partialValue: maxChars(1024).optional(),
  skipRecords: z.int().min(0).max(4294967295).default(0),
  maxRecords: z.int().min(1).max(MAX_BANS_PER_PAGE).default(100),
});
export type ListBansParams = z.infer<typeof listBansParams>;

export const deleteBanParams = z.object({ banType: z.enum(banTypes), value: banValue });
export type DeleteBanParams = z.infer<typeof deleteBanParams>;

export interface BanInfo {
  banType: BanType;
  value: string;
  reason: string;
  /** Who made it: an administrator account, `apikey:<name>`, or the session's Ban. */
  createdBy: string | null;
  createdDateTime: string;
  /** Absent: never expires. */
  expiresDateTime?: string;
}

export interface CreateBanResult extends BanInfo {
  /** Connected clients the new ban disconnected. */
  disconnectedClients: number;
}

export interface ListBansResult {
  data: BanInfo[];
  totalCount: number;
}

export interface DeleteBanResult {
  banType: BanType;
  value: string;
  deleted: true;
}

/** previewBan (issue 12): the createBan params; nothing is stored. */
export const previewBanParams = createBanParams;
export type PreviewBanParams = z.infer<typeof previewBanParams>;

/** Client ids a preview names at most. */
export const BAN_PREVIEW_SAMPLE = 10;

/** Who a ban would hit, before it is made. */
export interface PreviewBanResult {
  banType: BanType;
  /** As the ban would store it (an address canonical). */
  value: string;
  /** Connected clients it would disconnect now. */
  connectedClients: number;
  /** Stored MQTT sessions (connected or not) whose client id, last user name or last address it matches. */
  storedSessions: number;
  /** Up to BAN_PREVIEW_SAMPLE client ids it hits, connected ones first. */
  sampleClientNames: string[];
  /** The same ban exists already (createBan would answer nameInUse). */
  exists: boolean;
}

/** `POST /bff/bans` and `DELETE /bff/bans`: the action's params. */
export const banBody = createBanParams;
export const banKeyBody = deleteBanParams;
