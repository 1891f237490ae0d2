import type { SessionStats } from '@mqdash/contracts';
import type { Thresholds } from './health.ts';
import type { HealthFields } from '../registry/health-fields.ts';
import { LevelTracker, RateCounter } from './rates.ts';

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Per-session traffic counters; allocated only for sessions with traffic in this process. */
export class SessionTraffic {
  readonly published: RateCounter;
  readonly received: RateCounter;
  readonly backlog: LevelTracker;
  /** Epoch seconds of the current connection's start, or null when not connected. */
  connectedSince: number | null = null;
  /** Messages dropped from this session's full queue since the broker started (stats.droppedMessages). */
  dropped = 0;

  constructor(nowSec: number, totalPublished = 0, totalReceived = 0) {
    this.published = new RateCounter(nowSec, totalPublished);
    this.received = new RateCounter(nowSec, totalReceived);
    this.backlog = new LevelTracker(nowSec);
  }

  startConnection(nowSec: number): void {
    this.connectedSince = nowSec;
    this.published.sinceConnect = 0;
    this.received.sinceConnect = 0;
    this.backlog.atConnect = this.backlog.level;
  }

  endConnection(): void {
    this.connectedSince = null;
  }

  /** Minutes connected, at least one second's worth so a fresh connection has finite rates. */
  private connectedMinutes(nowSec: number): number {
    return this.connectedSince === null ? 0 : Math.max(nowSec - this.connectedSince, 1) / 60;
  }

  publishRatePerMinute(nowSec: number): number {
    return this.published.lastMinute(nowSec);
  }

  /** Every rate field of the seeds' stats object, as DESIGN §3 defines it. */
  rates(nowSec: number) {
    const minutes = this.connectedMinutes(nowSec);
    const inSession = (n: number) => (minutes > 0 ? round(n / minutes) : 0);
    return {
      totalMessagesPublished: this.published.total,
      publishRatePerMinute: this.published.lastMinute(nowSec),
      publishRatePerMinuteLast10Minutes: round(this.published.lastMinutes(nowSec, 10) / 10),
      publishRatePerMinuteInSession: inSession(this.published.sinceConnect),
      publishRatePerHour: this.published.lastMinutes(nowSec, 60),
      totalMessagesReceived: this.received.total,
      receiveMessagesPerMinute: this.received.lastMinute(nowSec),
      receiveMessagesPerMinuteLast10Minutes: round(this.received.lastMinutes(nowSec, 10) / 10),
      receiveMessagesPerMinuteSinceInSession: inSession(this.received.sinceConnect),
      receiveMessagesPerHour: this.received.lastMinutes(nowSec, 60),
      currentDeliveryBacklogged: this.backlog.level,
      deliveryBacklogRatePerMinute: round(this.backlog.perMinute(nowSec)),
      deliveryBacklogRatePerMinuteLast10Minutes: round(this.backlog.perMinuteOver(nowSec, 10)),
      deliveryBacklogRatePerMinuteInSession: round(this.backlog.perMinuteSince(minutes)),
      deliveryBacklogRatePerHour: round(this.backlog.perMinuteOver(nowSec, 60)),
      deliveryBacklogRatePerDay: round(this.backlog.perMinuteOverDay(nowSec)),
      droppedMessages: this.dropped,
    };
  }
}

export type TrafficRates = ReturnType<SessionTraffic['rates']>;

/** The rates of a session with no traffic in this process: only its stored totals. */
export function idleRates(totalPublished: number, totalReceived: number): TrafficRates {
  return {
    totalMessagesPublished: totalPublished, publishRatePerMinute: 0, publishRatePerMinuteLast10Minutes: 0,
    publishRatePerMinuteInSession: 0, publishRatePerHour: 0, totalMessagesReceived: totalReceived,
    receiveMessagesPerMinute: 0, receiveMessagesPerMinuteLast10Minutes: 0, receiveMessagesPerMinuteSinceInSession: 0,
    receiveMessagesPerHour: 0, currentDeliveryBacklogged: 0, deliveryBacklogRatePerMinute: 0,
    deliveryBacklogRatePerMinuteLast10Minutes: 0, deliveryBacklogRatePerMinuteInSession: 0,
    deliveryBacklogRatePerHour: 0, deliveryBacklogRatePerDay: 0, droppedMessages: 0,
  };
}

export function buildStats(t: Thresholds, rates: TrafficRates, health: HealthFields): SessionStats {
  return {
    minHealthySendRatePerMinute: t.minSend,
    maxHealthySendRatePerMinute: t.maxSend,
    maxHealthyBacklogRatePerMinute: t.maxBacklog,
    minHealthySubscribedTopicFiltersCount: t.minSubs,
    maxHealthySubscribedTopicFiltersCount: t.maxSubs,
    ...health,
    ...rates,
  };
}
