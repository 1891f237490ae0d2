import { deleteAlertRuleParams, type DeleteAlertRuleResult } from '@mqdash/contracts';
import { alertTarget } from '../alerts/alert-rules.ts';
import { unknownAlertRule } from './alert-rule-guard.ts';
import { defineAction } from './types.ts';

/** deleteAlertRule (mqdash extension, issue 13): the rule and its state go; a firing alert ends without a resolved entry. */
export const deleteAlertRule = defineAction({
  name: 'deleteAlertRule',
  params: deleteAlertRuleParams,
  audit: (p, raw) => (p ? alertTarget(p.ruleId) : typeof raw.ruleId === 'number' ? alertTarget(raw.ruleId) : null),
  run(p, ctx): DeleteAlertRuleResult {
    if (!ctx.core.alerts.delete(p.ruleId)) throw unknownAlertRule(p.ruleId);
    return { ruleId: p.ruleId, deleted: true };
  },
});
