import { alterAlertRuleKeepsNull, alterAlertRuleParams, type AlertRule } from '@mqdash/contracts';
import { alertRuleInfo, alertTarget } from '../alerts/alert-rules.ts';
import type { AlertRuleSettings } from '../store/alert-rule-store.ts';
import { alertRuleOrThrow, checkAlertRuleSettings, withUniqueName } from './alert-rule-guard.ts';
import { ActionError, defineAction } from './types.ts';

const settingKeys = ['name', 'condition', 'threshold', 'forMinutes', 'enabled', 'partialClientName', 'labelId', 'webhookUrl', 'webhookSecret'] as const;

/**
 * alterAlertRule (mqdash extension, issue 13): changes only what is given; null removes a filter,
 * the webhook or its secret. A firing rule stays firing until an evaluation finds its (new)
 * condition no longer holds.
 */
export const alterAlertRule = defineAction({
  name: 'alterAlertRule',
  params: alterAlertRuleParams,
  keepNulls: alterAlertRuleKeepsNull,
  audit: (p, raw) => (p ? alertTarget(p.ruleId) : typeof raw.ruleId === 'number' ? alertTarget(raw.ruleId) : null),
  run(p, ctx): AlertRule {
    const before = alertRuleOrThrow(ctx, p.ruleId);
    const next: AlertRuleSettings = { ...before };
    for (const key of settingKeys) if (p[key] !== undefined) (next as Record<string, unknown>)[key] = p[key];
    if (next.condition === 'droppedMessagesPerMinute' && (next.partialClientName !== null || next.labelId !== null))
      throw new ActionError('mutuallyExclusive', 'params.condition: "droppedMessagesPerMinute" counts the whole broker; remove partialClientName and labelId (set them to null) first',
        { property: 'params.condition', value: next.condition });
    checkAlertRuleSettings(ctx, next);
    withUniqueName(next.name, () => ctx.core.alerts.alter(p.ruleId, next));
    ctx.auditChanges = settingKeys
      .filter((k) => p[k] !== undefined && before[k] !== next[k])
      .map((k) => (k === 'webhookSecret' ? { field: k, secret: true as const } : { field: k, before: before[k], after: next[k] }));
    return alertRuleInfo(ctx.core.alerts.rules.get(p.ruleId)!);
  },
});
