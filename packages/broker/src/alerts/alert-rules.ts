import type { Logger } from 'pino';
import type { AlertRule, AlertWebhookBody } from '@mqdash/contracts';
import type { AuditLog } from '../audit.ts';
import type { AlertRuleRow, AlertRuleSettings, AlertRuleStore } from '../store/alert-rule-store.ts';
import type { Store } from '../store/types.ts';
import { defaultWebhookOptions, postWebhook, type WebhookOptions } from './webhook.ts';

export interface AlertRulesOptions {
  /** How often the rules are evaluated, ms (ALERT_EVALUATE_SECONDS); 0: never on a timer (tests call evaluate()). */
  evaluateMs?: number;
  now?: () => number;
  webhook?: Partial<WebhookOptions>;
}

/** The broker's counts the rules are evaluated over. */
export interface AlertSources {
  store: Store;
  /** Messages dropped since start (queue full, too large), all reasons together. */
  droppedTotal: () => number;
}

const MINUTE = 60_000;
/** The actor of the audit entries an evaluation writes. */
export const ALERTS_ACTOR = 'alerts';
export const alertTarget = (id: number) => `alert-rule:${id}`;

const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());

export const alertRuleInfo = (r: AlertRuleRow): AlertRule => ({
  ruleId: r.id, name: r.name, condition: r.condition, threshold: r.threshold, forMinutes: r.forMinutes, enabled: r.enabled,
  ...(r.partialClientName !== null && { partialClientName: r.partialClientName }),
  ...(r.labelId !== null && { labelId: r.labelId }),
  ...(r.webhookUrl !== null && { webhookUrl: r.webhookUrl }),
  webhookSecretSet: r.webhookSecret !== null && r.webhookSecret !== '',
  state: r.state, value: r.value,
  ...(r.conditionSince !== null && { conditionSinceDateTime: iso(r.conditionSince) }),
  ...(r.firingSince !== null && { firingSinceDateTime: iso(r.firingSince) }),
  ...(r.lastEvaluatedAt !== null && { lastEvaluatedDateTime: iso(r.lastEvaluatedAt) }),
  createdBy: r.createdBy, createdDateTime: new Date(r.createdAt).toISOString(),
});

/**
 * Alert rules (issue 13): stored in SQLite, evaluated on a timer over what the broker already
 * keeps (the session counts of the store's indexed queries, the dropped-message total), their
 * state written back after each evaluation so a restart resumes it. A rule whose condition has
 * held for `forMinutes` fires; one that fired and no longer holds resolves. Both go to the audit
 * log (and so to the live feed) and, when the rule has one, to its webhook.
 */
export class AlertRules {
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly webhook: WebhookOptions;
  private readonly stopping = new AbortController();
  private readonly deliveries = new Set<Promise<boolean>>();
  /** Dropped-message totals at past evaluations, oldest first, for the per-minute rate. */
  private dropSamples: Array<{ at: number; total: number }> = [];

  constructor(readonly rules: AlertRuleStore, private readonly sources: AlertSources, private readonly audit: AuditLog, private readonly log: Logger, private readonly o: AlertRulesOptions = {}) {
    this.now = o.now ?? Date.now;
    this.webhook = { ...defaultWebhookOptions, ...o.webhook };
    this.dropSamples.push({ at: this.now(), total: sources.droppedTotal() });
  }

  start(): void {
    const every = this.o.evaluateMs ?? 15_000;
    if (every <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.evaluate();
      } catch (err) {
        // A store that cannot be read now (disk full, locked) must not end the process: next tick tries again.
        this.log.error({ err }, 'alert rules could not be evaluated');
      }
    }, every);
    this.timer.unref();
  }

  /** Stops the timer and abandons webhook retries still waiting. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
  }

  /** Resolves once every webhook delivery started so far has finished (tests). */
  async settled(): Promise<void> {
    while (this.deliveries.size) await Promise.all([...this.deliveries]);
  }

  list(): AlertRule[] {
    return this.rules.all().map(alertRuleInfo);
  }

  create(s: AlertRuleSettings, createdBy: string | null): AlertRuleRow {
    return this.rules.insert(s, createdBy, this.now());
  }

  /** A rule that is switched off, or changed while firing, resolves at the next evaluation if its condition no longer holds. */
  alter(id: number, s: AlertRuleSettings): void {
    this.rules.update(id, s);
  }

  delete(id: number): boolean {
    return this.rules.delete(id);
  }

  /** One evaluation of every rule, at the clock's now. */
  evaluate(): void {
    const now = this.now();
    const droppedLastMinute = this.sampleDrops(now);
    for (const rule of this.rules.all()) this.evaluateRule(rule, now, droppedLastMinute);
  }

  private evaluateRule(rule: AlertRuleRow, now: number, droppedLastMinute: number): void {
    if (!rule.enabled) {
      if (rule.state === 'firing') this.announce(rule, 'alertResolved', rule.value ?? 0, now, { disabled: true });
      if (rule.state !== 'ok' || rule.value !== null) this.rules.saveEvaluation(rule.id, { state: 'ok', value: null, conditionSince: null, firingSince: null, lastEvaluatedAt: now });
      return;
    }
    const value = rule.condition === 'droppedMessagesPerMinute' ? droppedLastMinute : this.countSessions(rule);
    const holds = rule.condition === 'connectedSessionsBelow' ? value < rule.threshold : value > rule.threshold;
    if (!holds) {
      if (rule.state === 'firing') this.announce(rule, 'alertResolved', value, now);
      this.rules.saveEvaluation(rule.id, { state: 'ok', value, conditionSince: null, firingSince: null, lastEvaluatedAt: now });
      return;
    }
    const since = rule.conditionSince ?? now;
    if (rule.state === 'firing') {
      this.rules.saveEvaluation(rule.id, { state: 'firing', value, conditionSince: since, firingSince: rule.firingSince ?? now, lastEvaluatedAt: now });
    } else if (now - since >= rule.forMinutes * MINUTE) {
      this.rules.saveEvaluation(rule.id, { state: 'firing', value, conditionSince: since, firingSince: now, lastEvaluatedAt: now });
      this.announce({ ...rule, conditionSince: since }, 'alertFired', value, now);
    } else {
      this.rules.saveEvaluation(rule.id, { state: 'pending', value, conditionSince: since, firingSince: null, lastEvaluatedAt: now });
    }
  }

  /** Matching sessions (hidden ones left out) in the state the condition counts: an indexed count, never a scan of rows. */
  private countSessions(rule: AlertRuleRow): number {
    const connected = rule.condition === 'connectedSessionsBelow';
    return this.sources.store.listSessions({
      prefix: rule.partialClientName ?? '',
      connectionStatuses: connected ? ['connected', 'connectedTemporarily'] : [],
      sessionStatuses: [], sessionTypes: [],
      healths: connected ? [] : [rule.condition === 'unhealthySessions' ? 'unhealthy' : 'offline'],
      includeUnsetHealthMeasures: true,
      ...(rule.labelId !== null && { labelId: rule.labelId }),
      sort: { key: 'clientName', descending: false }, skip: 0, limit: 0,
    }).total;
  }

  /** Messages dropped over the last minute (over the time since start while that is shorter). */
  private sampleDrops(now: number): number {
    const total = this.sources.droppedTotal();
    this.dropSamples.push({ at: now, total });
    // Keep the newest sample at least a minute old as the baseline, and everything after it.
    while (this.dropSamples.length > 1 && this.dropSamples[1]!.at <= now - MINUTE) this.dropSamples.shift();
    return total - this.dropSamples[0]!.total;
  }

  private announce(rule: AlertRuleRow, event: AlertWebhookBody['event'], value: number, now: number, extra: Record<string, unknown> = {}): void {
    const since = event === 'alertFired' ? (rule.conditionSince ?? now) : now;
    this.audit.record({
      actor: ALERTS_ACTOR, action: event, target: alertTarget(rule.id), errorCode: 0,
      details: { source: 'internal', ruleId: rule.id, name: rule.name, condition: rule.condition, threshold: rule.threshold, forMinutes: rule.forMinutes, value, ...extra },
    });
    this.log.warn({ event, ruleId: rule.id, rule: rule.name, condition: rule.condition, threshold: rule.threshold, value },
      `alert "${rule.name}" ${event === 'alertFired' ? 'fired' : 'resolved'}: ${rule.condition} is ${value} (threshold ${rule.threshold})`);
    if (!rule.webhookUrl) return;
    const body: AlertWebhookBody = {
      event, value, sinceDateTime: new Date(since).toISOString(), dateTime: new Date(now).toISOString(),
      rule: {
        ruleId: rule.id, name: rule.name, condition: rule.condition, threshold: rule.threshold, forMinutes: rule.forMinutes,
        ...(rule.partialClientName !== null && { partialClientName: rule.partialClientName }), ...(rule.labelId !== null && { labelId: rule.labelId }),
      },
    };
    const delivery = postWebhook(rule.webhookUrl, rule.webhookSecret, body, this.webhook, this.log, this.stopping.signal);
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }
}
