import { banValueProblem, canonicalBanValue, deleteBanParams, type DeleteBanResult } from '@mqdash/contracts';
import { banTarget } from './access-format.ts';
import { syncSessionFromBan } from './session-ban.ts';
import { ActionError, defineAction } from './types.ts';

/** deleteBan (mqdash extension, issue 12): the ban ends; clients it kept out may connect again. */
export const deleteBan = defineAction({
  name: 'deleteBan',
  params: deleteBanParams,
  audit: banTarget,
  run(p, ctx): DeleteBanResult {
    const value = banValueProblem(p.banType, p.value) === null ? canonicalBanValue(p.banType, p.value) : p.value;
    if (!ctx.core.access.removeBan(p.banType, value))
      throw new ActionError('unknownBan', `params.value: no ${p.banType} ban of ${JSON.stringify(p.value)}`, { property: 'params.value', value: p.value });
    if (p.banType === 'clientName') syncSessionFromBan(ctx, value, false);
    return { banType: p.banType, value, deleted: true };
  },
});
