/**
 * The retention policy (issue 14; contracts/actions/retention.ts says what it removes). Runs every
 * hour while enabled, in small steps with a yield to the event loop between them, so the broker
 * keeps serving while it works. A session goes through the registry's own removal (so the engine
 * wipes its MQTT state and the live feed hears of it). A run is reported in the audit log (when it
 * removed something) and kept as the last run for Settings and the overview.
 */
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import {
  defaultRetentionPolicy, type RetentionCounts, type RetentionPolicy, type RetentionPolicyInfo, type RetentionPreview, type RetentionRun,
} from '@mqdash/contracts';
import type { AuditLog } from '../audit.ts';
import type { BrokerEngine } from '../engine/broker-engine.ts';
import type { SessionRegistry } from '../registry/registry.ts';
import { RetentionStore, type SessionKind } from './retention-store.ts';

const DAY_MS = 86_400_000;
const POLICY = 'retentionPolicy';
const LAST_RUN = 'retentionLastRun';

/** A log the policy bounds, besides the sessions: the audit log and the session timeline events (issue 13). */
export interface BoundedLog {
  /** The field of RetentionCounts its removals are reported under. */
  field: keyof RetentionCounts;
  /** Entries past the policy now. */
  count(policy: RetentionPolicy, now: number): number;
  /** Removes up to `limit` of them, oldest first; returns how many (0: done). */
  trim(policy: RetentionPolicy, now: number, limit: number): number;
}

export interface RetentionOptions {
  now?: () => number;
  /** Between runs (default one hour). */
  intervalMs?: number;
  /** From start to the first run (default five minutes: not in the middle of start-up). */
  firstRunDelayMs?: number;
  /** Session ids looked at per step (default 1,000). */
  idWindow?: number;
  /** Rows removed per step (default 250). */
  batch?: number;
}

const kindField: Record<SessionKind, keyof RetentionCounts> = {
  temporary: 'temporarySessions', inactive: 'inactiveSessions', permanent: 'permanentSessions',
};

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Retention {
  private readonly store: RetentionStore;
  private readonly now: () => number;
  private readonly o: Required<Omit<RetentionOptions, 'now'>>;
  private readonly logs: BoundedLog[] = [];
  private timer: NodeJS.Timeout | null = null;
  private nextRunAt: number | null = null;
  private running: Promise<RetentionRun | null> | null = null;
  private stopped = false;

  constructor(db: Database.Database, private readonly registry: SessionRegistry, private readonly audit: AuditLog, private readonly log: Logger, o: RetentionOptions = {}) {
    this.store = new RetentionStore(db);
    this.now = o.now ?? Date.now;
    this.o = { intervalMs: o.intervalMs ?? 3_600_000, firstRunDelayMs: o.firstRunDelayMs ?? 300_000, idWindow: o.idWindow ?? 1000, batch: o.batch ?? 250 };
    this.addBoundedLog({
      field: 'auditLogEntries',
      count: (p, now) => this.store.countAudit(auditCutoff(p, now), this.store.auditBoundary(p.auditLogMaxEntries)),
      trim: (p, now, limit) => this.store.deleteAudit(auditCutoff(p, now), this.store.auditBoundary(p.auditLogMaxEntries), limit),
    });
    this.addBoundedLog({
      field: 'sessionEvents',
      count: (p, now) => this.store.countSessionEvents(ageCutoff(p.sessionEventsMaxAgeDays, now)),
      trim: (p, now, limit) => this.store.deleteSessionEvents(ageCutoff(p.sessionEventsMaxAgeDays, now), limit),
    });
  }

  addBoundedLog(log: BoundedLog): void {
    this.logs.push(log);
  }

  policy(): RetentionPolicy {
    const stored = this.store.setting(POLICY);
    return { ...defaultRetentionPolicy, ...(stored ? (JSON.parse(stored.value) as Partial<RetentionPolicy>) : {}) };
  }

  describe(): RetentionPolicyInfo {
    const stored = this.store.setting(POLICY);
    const last = this.store.setting(LAST_RUN);
    const policy = this.policy();
    return {
      policy,
      source: stored ? 'dashboard' : 'default',
      ...(stored ? { updatedDateTime: new Date(stored.updated_at).toISOString(), ...(stored.updated_by ? { updatedBy: stored.updated_by } : {}) } : {}),
      lastRun: last ? (JSON.parse(last.value) as RetentionRun) : null,
      ...(policy.enabled && this.nextRunAt !== null ? { nextRunDateTime: new Date(this.nextRunAt).toISOString() } : {}),
      notes: [],
    };
  }

  /** Stores the policy with `patch` applied; a run due is (re)scheduled. */
  alter(patch: Partial<RetentionPolicy>, by: string): RetentionPolicyInfo {
    const policy = { ...this.policy(), ...stripUndefined(patch) };
    this.store.putSetting(POLICY, policy, this.now(), by);
    this.schedule(this.o.firstRunDelayMs);
    return this.describe();
  }

  /** What a run would remove now under the stored policy with `patch` applied (nothing is removed). */
  preview(patch: Partial<RetentionPolicy> = {}): RetentionPreview {
    const policy = { ...this.policy(), ...stripUndefined(patch) };
    const now = this.now();
    const cutoff = now - policy.sessionsNotConnectedForDays * DAY_MS;
    const s = this.store.countSessions(cutoff);
    const wouldRemove: RetentionCounts = {
      temporarySessions: s.temporary, inactiveSessions: s.inactive, permanentSessions: policy.includePermanentSessions ? s.permanent : 0,
      auditLogEntries: 0, sessionEvents: 0, queuedMessages: 0,
    };
    for (const l of this.logs) (wouldRemove[l.field] as number) = l.count(policy, now);
    return {
      policy, sessionsCutoffDateTime: new Date(cutoff).toISOString(), wouldRemove,
      ...(policy.queuedMessagesMaxAgeDays > 0 && { queuedMessagesCutoffDateTime: new Date(ageCutoff(policy.queuedMessagesMaxAgeDays, now)).toISOString() }),
      permanentSessionsKept: policy.includePermanentSessions ? 0 : s.permanent, bannedSessionsKept: s.banned,
      notes: [],
    };
  }

  /** Applies the policy now (when enabled); one run at a time. Resolves with the run, or null when disabled. */
  run(): Promise<RetentionRun | null> {
    this.running ??= this.apply().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async apply(): Promise<RetentionRun | null> {
    const policy = this.policy();
    if (!policy.enabled) return null;
    const startedAt = this.now();
    const removed: RetentionCounts = { temporarySessions: 0, inactiveSessions: 0, permanentSessions: 0, auditLogEntries: 0, sessionEvents: 0, queuedMessages: 0 };
    let error: string | undefined;
    try {
      await this.removeSessions(policy, startedAt, removed);
      for (const l of this.logs) {
        for (let n; !this.stopped && (n = l.trim(policy, startedAt, this.o.batch * 4)) > 0;) {
          (removed[l.field] as number) += n;
          await yieldToEventLoop();
        }
      }
    } catch (err) {
      error = (err as Error).message;
      this.log.error({ err }, 'retention run stopped');
    }
    const run: RetentionRun = { startedDateTime: new Date(startedAt).toISOString(), finishedDateTime: new Date(this.now()).toISOString(), removed, ...(error ? { error } : {}) };
    const any = Object.values(removed).some((n) => typeof n === 'number' && n > 0);
    try {
      this.store.putSetting(LAST_RUN, run, this.now(), 'retention');
      // Recorded after the trimming, so the report is the newest entry; a run that removed nothing is not news.
      if (any || error) {
        this.audit.record({
          actor: 'retention', action: 'runRetention', target: 'retention', errorCode: error ? 14099 : 0,
          details: {
            removed, sessionsNotConnectedForDays: policy.sessionsNotConnectedForDays,
            ...(policy.queuedMessagesMaxAgeDays > 0 ? { queuedMessagesMaxAgeDays: policy.queuedMessagesMaxAgeDays } : {}), ...(error ? { errorMessage: error } : {}) },
        });
      }
    } catch (err) {
      this.log.error({ err }, 'the retention run could not be recorded');
    }
    if (any) this.log.info({ removed }, 'retention removed old sessions, log entries and queued messages');
    return run;
  }

  private async removeSessions(policy: RetentionPolicy, now: number, removed: RetentionCounts): Promise<void> {
    const cutoff = now - policy.sessionsNotConnectedForDays * DAY_MS;
    const why = `retention: not connected for ${policy.sessionsNotConnectedForDays} days`;
    const last = this.store.maxSessionId();
    for (let after = 0; after < last && !this.stopped; after += this.o.idWindow) {
      const found = this.store.sessionsIn(after, after + this.o.idWindow, cutoff, policy.includePermanentSessions);
      for (let i = 0; i < found.length; i += this.o.batch) {
        for (const { clientName, kind } of found.slice(i, i + this.o.batch)) {
          // Looked at again: its client may have come back since the query.
          const row = this.registry.get(clientName);
          if (!row || row.sessionStatus === 'banned' || row.connectionStatus === 'connected' || row.connectionStatus === 'connectedTemporarily') continue;
          if (this.registry.live.get(clientName)?.connected) continue;
          this.registry.removeSession(row, why);
          (removed[kindField[kind]] as number)++;
        }
        await yieldToEventLoop();
      }
      if (found.length === 0) await yieldToEventLoop();
    }
  }

  /** Runs every interval while enabled; the first after `firstRunDelayMs`. */
  start(): void {
    this.stopped = false;
    this.schedule(this.o.firstRunDelayMs);
  }

  stop(): Promise<unknown> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextRunAt = null;
    return this.running ?? Promise.resolve();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.nextRunAt = this.now() + delayMs;
    this.timer = setTimeout(() => {
      void this.run().finally(() => this.schedule(this.o.intervalMs));
    }, delayMs);
    this.timer.unref();
  }
}

/**
 * Messages queued for offline sessions longer than queuedMessagesMaxAgeDays (0: off), on either
 * engine: removed from its memory and its tables (aedes' `mqtt_outgoing`, the own engine's
 * `mqdash_messages`), a batch per step; in flight ones stay.
 */
export function queuedMessagesLog(engine: Pick<BrokerEngine, 'countQueuedBefore' | 'purgeQueuedBefore'>): BoundedLog {
  return {
    field: 'queuedMessages',
    count: (p, now) => (p.queuedMessagesMaxAgeDays > 0 ? engine.countQueuedBefore(ageCutoff(p.queuedMessagesMaxAgeDays, now)) : 0),
    trim: (p, now, limit) => (p.queuedMessagesMaxAgeDays > 0 ? engine.purgeQueuedBefore(ageCutoff(p.queuedMessagesMaxAgeDays, now), limit) : 0),
  };
}

function auditCutoff(p: RetentionPolicy, now: number): number {
  return ageCutoff(p.auditLogMaxAgeDays, now);
}

/** Entries before this go; 0 days: no age limit (cutoff 0, nothing is older). */
function ageCutoff(days: number, now: number): number {
  return days > 0 ? now - days * DAY_MS : 0;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
