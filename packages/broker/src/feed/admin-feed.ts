import type { Logger } from 'pino';
import {
  feedTopics, type EventsMessage, type FeedEvent, type OverviewMessage, type OverviewSample, type SessionChangesMessage,
  type SessionHistory,
} from '@mqdash/contracts';
import type { AuditLog } from '../audit.ts';
import type { BrokerEngine } from '../engine/broker-engine.ts';
import { iso, toListRow } from '../registry/format.ts';
import { reasonDetailOf } from '../registry/health-fields.ts';
import type { SessionRegistry } from '../registry/registry.ts';
import type { Store } from '../store/types.ts';

/** Most rows in one changes message; more are split over several messages. */
const MAX_ROWS_PER_MESSAGE = 2000;
/** Per-minute overview samples kept: one day. */
const MAX_SAMPLES = 24 * 60;

/**
 * The live admin feed (DESIGN §5): session changes and events batched every 250 ms, an overview
 * every 5 s (retained), and the per-minute samples behind the overview charts.
 */
export class AdminFeed {
  private changed = new Set<string>();
  private removed = new Set<string>();
  private events: FeedEvent[] = [];
  private readonly samples: OverviewSample[] = [];
  private timers: NodeJS.Timeout[] = [];
  private last = { in: 0, out: 0, at: Date.now() };
  private minuteStart = { in: 0, out: 0 };
  private current: OverviewMessage | null = null;

  constructor(
    private readonly store: Store, private readonly registry: SessionRegistry, private readonly engine: BrokerEngine,
    private readonly audit: AuditLog, private readonly log: Logger,
    private readonly o = { batchMs: 250, overviewMs: 5000, sampleMs: 60_000 },
  ) {}

  start(): void {
    const now = () => new Date().toISOString();
    this.registry.on('change', (name: string) => this.changed.add(name));
    this.registry.on('removed', (name: string) => {
      this.changed.delete(name);
      this.removed.add(name);
    });
    this.registry.on('event', (e: Omit<FeedEvent, 'ts'>) => this.events.push({ ...e, ts: now() } as FeedEvent));
    this.audit.on('entry', (e: { actor: string; action: string; target: string | null; errorCode: number; ts: number }) =>
      this.events.push({ type: 'admin', ts: iso(e.ts)!, actor: e.actor, action: e.action, target: e.target, errorCode: e.errorCode }));
    const guarded = (fn: () => void) => () => {
      try {
        fn();
      } catch (err) {
        this.log.error({ err }, 'admin feed failed');
      }
    };
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(guarded(fn), ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.o.batchMs, () => this.flush());
    every(this.o.overviewMs, () => this.publishOverview());
    every(this.o.sampleMs, () => this.sample());
    // The first retained overview right after start-up rather than during it (issue 14: its counts
    // scan every stored session; `overview()` computes one on demand meanwhile).
    const first = setImmediate(guarded(() => {
      if (this.timers.length) this.publishOverview();
    }));
    first.unref();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private publish(topic: string, body: unknown, retain = false): void {
    this.engine.publish({ cmd: 'publish', topic, payload: Buffer.from(JSON.stringify(body)), qos: 0, retain, dup: false }).catch((err: unknown) => this.log.warn({ err, topic }, 'feed publish failed'));
  }

  /** Publishes what changed since the last batch. */
  flush(): void {
    const ts = new Date().toISOString();
    if (this.changed.size || this.removed.size) {
      const names = [...this.changed];
      const removed = [...this.removed];
      this.changed = new Set();
      this.removed = new Set();
      const nowMs = Date.now();
      const labels = new Map<number, ReturnType<Store['getLabel']>>();
      const rows = this.store.getSessions(names).map((r) => {
        if (r.labelId !== null && !labels.has(r.labelId)) labels.set(r.labelId, this.store.getLabel(r.labelId));
        return toListRow(r, this.registry.liveFor(r), r.labelId === null ? undefined : labels.get(r.labelId), nowMs);
      });
      for (let i = 0; i < Math.max(rows.length, 1); i += MAX_ROWS_PER_MESSAGE)
        this.publish(feedTopics.sessionChanges, { ts, changes: rows.slice(i, i + MAX_ROWS_PER_MESSAGE), removed: i === 0 ? removed : [] } satisfies SessionChangesMessage);
    }
    if (this.events.length) {
      const events = this.events;
      this.events = [];
      this.publish(feedTopics.events, { ts, events } satisfies EventsMessage);
    }
  }

  /** The latest overview (computed every 5 s). */
  overview(): OverviewMessage {
    return this.current ?? this.computeOverview();
  }

  private computeOverview(): OverviewMessage {
    const nowMs = Date.now();
    const c = this.engine.counters;
    const secs = Math.max((nowMs - this.last.at) / 1000, 0.001);
    const inRate = (c.in - this.last.in) / secs;
    const outRate = (c.out - this.last.out) / secs;
    this.last = { in: c.in, out: c.out, at: nowMs };
    const unhealthy = [...this.registry.live.values()]
      .filter((l) => l.health === 'unhealthy' && l.sessionStatus !== 'hidden')
      .sort((a, b) => b.traffic.backlog.level - a.traffic.backlog.level || b.traffic.publishRatePerMinute(nowMs / 1000 | 0) - a.traffic.publishRatePerMinute(nowMs / 1000 | 0))
      .slice(0, 50)
      .map((l) => {
        const detail = reasonDetailOf(l);
        return { clientName: l.clientName, reason: l.unhealthyReason ?? '', ...(detail ? { reasonDetail: detail } : {}) };
      });
    this.current = {
      ts: new Date(nowMs).toISOString(),
      counts: this.store.overviewCounts(),
      messagesInPerSecond: Math.round(inRate * 10) / 10,
      messagesOutPerSecond: Math.round(outRate * 10) / 10,
      connections: this.engine.connectedCount(),
      unhealthy,
    };
    return this.current;
  }

  private publishOverview(): void {
    this.publish(feedTopics.overview, this.computeOverview(), true);
  }

  private sample(): void {
    const c = this.engine.counters;
    this.samples.push({
      ts: new Date().toISOString(),
      messagesIn: c.in - this.minuteStart.in,
      messagesOut: c.out - this.minuteStart.out,
      connections: this.engine.connectedCount(),
    });
    this.minuteStart = { in: c.in, out: c.out };
    if (this.samples.length > MAX_SAMPLES) this.samples.splice(0, this.samples.length - MAX_SAMPLES);
  }

  /** Per-minute throughput and connections, oldest first, up to `minutes` back. */
  history(minutes: number): OverviewSample[] {
    return this.samples.slice(-minutes);
  }

  /** A session's per-minute published / received counts and backlog over the last hour. */
  sessionHistory(clientName: string): SessionHistory {
    const live = this.registry.live.get(clientName);
    const nowSec = Math.floor(Date.now() / 1000);
    const startMin = Math.floor(nowSec / 60) - 59;
    const published = live?.traffic.published.minuteSeries(nowSec) ?? new Array(60).fill(0);
    const received = live?.traffic.received.minuteSeries(nowSec) ?? new Array(60).fill(0);
    const backlog = live?.traffic.backlog.minuteSeries(nowSec) ?? new Array(60).fill(0);
    return {
      clientName,
      minutes: published.map((p: number, i: number) => ({ ts: new Date((startMin + i) * 60_000).toISOString(), published: p, received: received[i]!, backlog: backlog[i]! })),
    };
  }
}
