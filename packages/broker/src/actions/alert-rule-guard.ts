import type { AlertRuleRow, AlertRuleSettings } from '../store/alert-rule-store.ts';
import { AlertRuleNameInUse } from '../store/alert-rule-store.ts';
import { ActionError, type ActionContext } from './types.ts';

/** Audit target of the alert rule actions. */
export const ALERT_RULES_TARGET = 'alert-rules';

export const unknownAlertRule = (ruleId: number) =>
  new ActionError('unknownAlertRule', `params.ruleId: no alert rule ${ruleId}`, { property: 'params.ruleId', value: ruleId });

export function alertRuleOrThrow(ctx: ActionContext, ruleId: number): AlertRuleRow {
  const rule = ctx.core.alerts.rules.get(ruleId);
  if (!rule) throw unknownAlertRule(ruleId);
  return rule;
}

/** The settings are checked against the store: the label exists. */
export function checkAlertRuleSettings(ctx: ActionContext, s: AlertRuleSettings): void {
  if (s.labelId !== null && !ctx.core.store.getLabel(s.labelId))
    throw new ActionError('unknownLabel', `params.labelId: no label has id ${s.labelId}`, { property: 'params.labelId', value: s.labelId });
}

/** Runs a write, answering a taken name with nameInUse. */
export function withUniqueName<T>(name: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    if (err instanceof AlertRuleNameInUse) throw new ActionError('nameInUse', `params.name: an alert rule named ${JSON.stringify(name)} already exists`, { property: 'params.name', value: name });
    throw err;
  }
}
