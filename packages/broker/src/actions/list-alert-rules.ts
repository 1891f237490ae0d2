import { listAlertRulesParams, type ListAlertRulesResult } from '@mqdash/contracts';
import { defineAction } from './types.ts';

/** listAlertRules (mqdash extension, issue 13): every rule with its last evaluation; never a webhook secret. */
export const listAlertRules = defineAction({
  name: 'listAlertRules',
  params: listAlertRulesParams,
  run(p, ctx): ListAlertRulesResult {
    const all = ctx.core.alerts.list();
    return {
      data: p.stateFilter.length ? all.filter((r) => p.stateFilter.includes(r.state)) : all,
      firingCount: all.filter((r) => r.state === 'firing').length,
    };
  },
});
