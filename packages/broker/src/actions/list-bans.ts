import { canonicalBanValue, listBansParams, type ListBansResult } from '@mqdash/contracts';
import { banInfo } from './access-format.ts';
import { defineAction } from './types.ts';

/** listBans (mqdash extension, issue 12): the ban list in creation order, expired bans included until removed. */
export const listBans = defineAction({
  name: 'listBans',
  params: listBansParams,
  run(p, ctx): ListBansResult {
    const part = p.partialValue?.toLowerCase();
    const exact = (t: Parameters<typeof canonicalBanValue>[0], v: string) => {
      try {
        return canonicalBanValue(t, v);
      } catch {
        return v;
      }
    };
    const rows = ctx.core.access.listBans().filter((b) =>
      (p.banType === undefined || b.banType === p.banType)
      && (p.value === undefined || b.value === exact(b.banType, p.value))
      && (part === undefined || b.value.toLowerCase().includes(part)));
    return { data: rows.slice(p.skipRecords, p.skipRecords + p.maxRecords).map(banInfo), totalCount: rows.length };
  },
});
