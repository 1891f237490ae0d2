import { z } from 'zod';
import { labelIdSchema, maxChars, utf8String } from '../common.ts';

/**
 * Alert rules (issue 13 "Alert rules", mqdash extension): conditions over what the broker already
 * knows, evaluated on a timer. A rule fires once its condition has held for `forMinutes`, and
 * resolves when it no longer holds; both are written to the audit log (`alertFired`,
 * `alertResolved`), shown as a banner in the dashboard, and POSTed to the rule's webhook if it has one.
 *
 * - `unhealthySessions`: more than `threshold` matching sessions are unhealthy.
 * - `offlineSessions`: more than `threshold` matching sessions are not connected.
 * - `connectedSessionsBelow`: fewer than `threshold` matching sessions are connected.
 * - `droppedMessagesPerMinute`: more than `threshold` messages were dropped (queue full, too large)
 *   in the last minute, over the whole broker (no session filter).
 *
 * "Matching" is every session but hidden ones, narrowed by `partialClientName` (a client name
 * prefix; the whole name names one session) and `labelId`.
 */
export const alertConditions = ['unhealthySessions', 'offlineSessions', 'connectedSessionsBelow', 'droppedMessagesPerMinute'] as const;
export type AlertCondition = (typeof alertConditions)[number];
export const alertStates = ['ok', 'pending', 'firing'] as const;
export type AlertState = (typeof alertStates)[number];

export const ALERT_RULE_NAME_MAX = 100;
export const ALERT_THRESHOLD_MAX = 1_000_000_000;
/** One week. */
export const ALERT_FOR_MINUTES_MAX = 10_080;
export const ALERT_WEBHOOK_URL_MAX = 2048;
export const ALERT_WEBHOOK_SECRET_MAX = 1024;
export const MAX_ALERT_RULES = 1000;

export const alertRuleIdSchema = z.int().min(1).max(2 ** 53 - 1);

/** An http(s) URL the broker POSTs to; other schemes are refused. */
export const webhookUrlSchema = z.string().superRefine((s, ctx) => {
  if (s.length > ALERT_WEBHOOK_URL_MAX)
    return ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: `must be at most ${ALERT_WEBHOOK_URL_MAX} characters` });
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: 'must be an absolute URL such as https://hooks.example.com/mqdash' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: `must be an http or https URL, not ${url.protocol}` });
});

/** The secret is sent as the `X-Mqdash-Webhook-Secret` header: no line breaks or other control characters. */
export const webhookSecretSchema = maxChars(ALERT_WEBHOOK_SECRET_MAX).refine((s) => /^[\x20-\x7e]*$/.test(s), {
  params: { errorCode: 'outOfLimits' }, message: 'must be printable ASCII (it is sent as an HTTP header)',
});

const ruleName = utf8String(1, ALERT_RULE_NAME_MAX).refine((s) => s.trim().length > 0, { params: { errorCode: 'outOfLimits' }, message: 'must not be blank' });
const threshold = z.number().min(0).max(ALERT_THRESHOLD_MAX);
const forMinutes = z.number().min(0).max(ALERT_FOR_MINUTES_MAX);
const partialClientName = utf8String(1, 65535);

/** `droppedMessagesPerMinute` counts the whole broker: a session filter would mean nothing. */
const filtersApply = (p: { condition?: AlertCondition | undefined; partialClientName?: string | null | undefined; labelId?: number | null | undefined }, ctx: z.RefinementCtx) => {
  if (p.condition !== 'droppedMessagesPerMinute') return;
  for (const key of ['partialClientName', 'labelId'] as const)
    if (p[key] !== undefined && p[key] !== null)
      ctx.addIssue({ code: 'custom', path: [key], params: { errorCode: 'mutuallyExclusive' }, message: 'does not apply to condition "droppedMessagesPerMinute" (it counts the whole broker)' });
};

export const createAlertRuleParams = z.object({
  name: ruleName,
  condition: z.enum(alertConditions),
  threshold,
  /** How long the condition must hold before the rule fires; 0: at the first evaluation that sees it. */
  forMinutes: forMinutes.default(0),
  enabled: z.boolean().default(true),
  partialClientName: partialClientName.optional(),
  labelId: labelIdSchema.optional(),
  webhookUrl: webhookUrlSchema.optional(),
  webhookSecret: webhookSecretSchema.optional(),
}).superRefine(filtersApply);
export type CreateAlertRuleParams = z.infer<typeof createAlertRuleParams>;
export type CreateAlertRuleInput = z.input<typeof createAlertRuleParams>;

/** Only what is given changes; null removes an optional property (filter, webhook, secret). */
export const alterAlertRuleParams = z.object({
  ruleId: alertRuleIdSchema,
  name: ruleName.optional(),
  condition: z.enum(alertConditions).optional(),
  threshold: threshold.optional(),
  forMinutes: forMinutes.optional(),
  enabled: z.boolean().optional(),
  partialClientName: partialClientName.nullable().optional(),
  labelId: labelIdSchema.nullable().optional(),
  webhookUrl: webhookUrlSchema.nullable().optional(),
  webhookSecret: webhookSecretSchema.nullable().optional(),
}).superRefine(filtersApply);
export type AlterAlertRuleParams = z.infer<typeof alterAlertRuleParams>;
export type AlterAlertRuleInput = z.input<typeof alterAlertRuleParams>;
export const alterAlertRuleKeepsNull = ['partialClientName', 'labelId', 'webhookUrl', 'webhookSecret'] as const;

export const listAlertRulesParams = z.object({
  /** Only rules in these states; empty or missing: all. */
  stateFilter: z.array(z.enum(alertStates)).max(alertStates.length).default([]),
});

export const deleteAlertRuleParams = z.object({ ruleId: alertRuleIdSchema });

export interface AlertRule {
  ruleId: number;
  name: string;
  condition: AlertCondition;
  threshold: number;
  forMinutes: number;
  enabled: boolean;
  partialClientName?: string;
  labelId?: number;
  webhookUrl?: string;
  /** The secret itself is never returned. */
  webhookSecretSet: boolean;
  /** ok: condition not met; pending: met, for less than forMinutes; firing. */
  state: AlertState;
  /** What the last evaluation measured (a count, or messages dropped per minute); null before the first. */
  value: number | null;
  /** Since when the condition has held (pending or firing). */
  conditionSinceDateTime?: string;
  firingSinceDateTime?: string;
  lastEvaluatedDateTime?: string;
  createdBy: string | null;
  createdDateTime: string;
}

export interface ListAlertRulesResult {
  data: AlertRule[];
  /** Rules firing now (whatever the filter). */
  firingCount: number;
}

export interface DeleteAlertRuleResult {
  ruleId: number;
  deleted: true;
}

/** The JSON body POSTed to a rule's webhook when it fires or resolves. */
export interface AlertWebhookBody {
  event: 'alertFired' | 'alertResolved';
  rule: Pick<AlertRule, 'ruleId' | 'name' | 'condition' | 'threshold' | 'forMinutes' | 'partialClientName' | 'labelId'>;
  value: number;
  /** When the condition began to hold (fired) or when it resolved. */
  sinceDateTime: string;
  dateTime: string;
}
