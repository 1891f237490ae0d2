import type Database from 'better-sqlite3';
import type { AlertCondition, AlertState } from '@mqdash/contracts';

/** One row of `alert_rules` (migration 2026-12-03-alert-rules). Times are epoch ms. */
export interface AlertRuleRow {
  id: number;
  name: string;
  condition: AlertCondition;
  threshold: number;
  forMinutes: number;
  enabled: boolean;
  partialClientName: string | null;
  labelId: number | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
  state: AlertState;
  value: number | null;
  conditionSince: number | null;
  firingSince: number | null;
  lastEvaluatedAt: number | null;
  createdBy: string | null;
  createdAt: number;
}

/** What an administrator sets; the rest is the evaluator's. */
export type AlertRuleSettings = Pick<AlertRuleRow, 'name' | 'condition' | 'threshold' | 'forMinutes' | 'enabled' | 'partialClientName' | 'labelId' | 'webhookUrl' | 'webhookSecret'>;
/** What an evaluation writes. */
export type AlertRuleEvaluation = Pick<AlertRuleRow, 'state' | 'value' | 'conditionSince' | 'firingSince' | 'lastEvaluatedAt'>;

type DbRow = Record<string, unknown>;

const fromDb = (r: DbRow): AlertRuleRow => ({
  id: r.id as number, name: r.name as string, condition: r.condition as AlertCondition, threshold: r.threshold as number,
  forMinutes: r.for_minutes as number, enabled: r.enabled === 1, partialClientName: r.partial_client_name as string | null,
  labelId: r.label_id as number | null, webhookUrl: r.webhook_url as string | null, webhookSecret: r.webhook_secret as string | null,
  state: r.state as AlertState, value: r.value as number | null, conditionSince: r.condition_since as number | null,
  firingSince: r.firing_since as number | null, lastEvaluatedAt: r.last_evaluated_at as number | null,
  createdBy: r.created_by as string | null, createdAt: r.created_at as number,
});

const settingsArgs = (s: AlertRuleSettings) => ({
  name: s.name, condition: s.condition, threshold: s.threshold, forMinutes: s.forMinutes, enabled: s.enabled ? 1 : 0,
  partialClientName: s.partialClientName, labelId: s.labelId, webhookUrl: s.webhookUrl, webhookSecret: s.webhookSecret,
});

/** Thrown when a rule's name is taken. */
export class AlertRuleNameInUse extends Error {}

/** The alert rules on the store's SQLite database. */
export class AlertRuleStore {
  private readonly q;

  constructor(db: Database.Database) {
    this.q = {
      all: db.prepare('SELECT * FROM alert_rules ORDER BY name COLLATE NOCASE, id'),
      get: db.prepare('SELECT * FROM alert_rules WHERE id = ?'),
      count: db.prepare('SELECT count(*) AS n FROM alert_rules'),
      insert: db.prepare(`INSERT INTO alert_rules (name, condition, threshold, for_minutes, enabled, partial_client_name, label_id, webhook_url, webhook_secret, created_by, created_at)
        VALUES (@name, @condition, @threshold, @forMinutes, @enabled, @partialClientName, @labelId, @webhookUrl, @webhookSecret, @createdBy, @createdAt)`),
      update: db.prepare(`UPDATE alert_rules SET name = @name, condition = @condition, threshold = @threshold, for_minutes = @forMinutes, enabled = @enabled,
        partial_client_name = @partialClientName, label_id = @labelId, webhook_url = @webhookUrl, webhook_secret = @webhookSecret WHERE id = @id`),
      evaluated: db.prepare(`UPDATE alert_rules SET state = @state, value = @value, condition_since = @conditionSince, firing_since = @firingSince,
        last_evaluated_at = @lastEvaluatedAt WHERE id = @id`),
      delete: db.prepare('DELETE FROM alert_rules WHERE id = ?'),
    };
  }

  all(): AlertRuleRow[] {
    return (this.q.all.all() as DbRow[]).map(fromDb);
  }

  get(id: number): AlertRuleRow | undefined {
    const r = this.q.get.get(id) as DbRow | undefined;
    return r && fromDb(r);
  }

  count(): number {
    return (this.q.count.get() as { n: number }).n;
  }

  /** @throws AlertRuleNameInUse */
  insert(s: AlertRuleSettings, createdBy: string | null, createdAt: number): AlertRuleRow {
    const id = Number(this.unique(() => this.q.insert.run({ ...settingsArgs(s), createdBy, createdAt })).lastInsertRowid);
    return this.get(id)!;
  }

  /** @throws AlertRuleNameInUse */
  update(id: number, s: AlertRuleSettings): void {
    this.unique(() => this.q.update.run({ ...settingsArgs(s), id }));
  }

  saveEvaluation(id: number, e: AlertRuleEvaluation): void {
    this.q.evaluated.run({ ...e, id });
  }

  delete(id: number): boolean {
    return this.q.delete.run(id).changes > 0;
  }

  private unique<T>(write: () => T): T {
    try {
      return write();
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new AlertRuleNameInUse();
      throw err;
    }
  }
}
