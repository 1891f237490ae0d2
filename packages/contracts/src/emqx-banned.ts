import { z } from 'zod';
import { maxChars } from './common.ts';
import { EMQX_MAX_LIMIT } from './emqx.ts';
import type { BanType } from './actions/bans.ts';
import type { EmqxPageMeta } from './emqx-retainer.ts';

/**
 * EMQX 5's ban list (`/api/v5/banned`) in its documented shapes: `as` one of six kinds, `who`,
 * `by`, `reason`, `at` and `until` as RFC 3339 (or Unix seconds on the way in; `until` may be
 * "infinity"), `page`/`limit` paging with `meta {page, limit, count, hasnext}`.
 */
export const emqxBanAs = ['clientid', 'username', 'peerhost', 'clientid_re', 'username_re', 'peerhost_net'] as const;
export type EmqxBanAs = (typeof emqxBanAs)[number];

/** EMQX's `as` ↔ the ban list's banType. */
export const banTypeOfEmqx: Readonly<Record<EmqxBanAs, BanType>> = {
  clientid: 'clientName', username: 'username', peerhost: 'ipAddress',
  clientid_re: 'clientNamePattern', username_re: 'usernamePattern', peerhost_net: 'ipRange',
};
export const emqxAsOfBanType = Object.fromEntries(Object.entries(banTypeOfEmqx).map(([a, t]) => [t, a])) as Readonly<Record<BanType, EmqxBanAs>>;

/** A time as EMQX takes it: RFC 3339 text or Unix seconds (a number, or digits in a string). */
const emqxTime = z.union([
  z.int().min(0).max(253402300799),
  z.string().regex(/^\d{1,12}$/).transform(Number),
  z.iso.datetime({ offset: true }),
]);

export const emqxBanBody = z.object({
  as: z.enum(emqxBanAs),
  who: maxChars(65535),
  by: maxChars(1024).optional(),
  reason: maxChars(1024).optional(),
  at: emqxTime.optional(),
  until: z.union([z.literal('infinity'), emqxTime]).optional(),
});
export type EmqxBanBody = z.infer<typeof emqxBanBody>;

const queryInt = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.int().min(min).max(max));

export const emqxBannedQuery = z.object({
  page: queryInt(1, 100_000_000).optional(),
  limit: queryInt(1, EMQX_MAX_LIMIT).optional(),
  clientid: maxChars(65535).optional(),
  username: maxChars(65535).optional(),
  peerhost: maxChars(1024).optional(),
});

export interface EmqxBan {
  as: EmqxBanAs;
  who: string;
  by: string;
  reason: string;
  at: string;
  /** RFC 3339, or "infinity" for a ban without expiry. */
  until: string;
}

export interface EmqxBannedPage {
  data: EmqxBan[];
  meta: EmqxPageMeta;
}
