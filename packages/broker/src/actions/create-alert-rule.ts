import { createAlertRuleParams, MAX_ALERT_RULES, type AlertRule } from '@mqdash/contracts';
import { alertRuleInfo } from '../alerts/alert-rules.ts';
import { creator } from './access-format.ts';
import { ALERT_RULES_TARGET, checkAlertRuleSettings, withUniqueName } from './alert-rule-guard.ts';
import { ActionError, defineAction } from './types.ts';

/** createAlertRule (mqdash extension, issue 13): a rule, evaluated from the next evaluation on. */
export const createAlertRule = defineAction({
  name: 'createAlertRule',
  params: createAlertRuleParams,
  audit: () => ALERT_RULES_TARGET,
  run(p, ctx): AlertRule {
    const { alerts } = ctx.core;
    if (alerts.rules.count() >= MAX_ALERT_RULES)
      throw new ActionError('outOfLimits', `there are ${MAX_ALERT_RULES} alert rules already, the most the broker keeps`);
    const settings = {
      name: p.name, condition: p.condition, threshold: p.threshold, forMinutes: p.forMinutes, enabled: p.enabled,
      partialClientName: p.partialClientName ?? null, labelId: p.labelId ?? null, webhookUrl: p.webhookUrl ?? null, webhookSecret: p.webhookSecret ?? null,
    };
    checkAlertRuleSettings(ctx, settings);
    const row = withUniqueName(p.name, () => alerts.create(settings, creator(ctx)));
    ctx.auditTarget = `alert-rule:${row.id}`;
    return alertRuleInfo(row);
  },
});
