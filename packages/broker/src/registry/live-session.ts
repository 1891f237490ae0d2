import type { BrokenThreshold, Thresholds } from '../stats/health.ts';
import type { SessionTraffic } from '../stats/session-stats.ts';
import type { SessionRow } from '../store/types.ts';

/**
 * A connection as the registry knows it, whichever engine runs: its client id, and the object
 * itself as the connection's identity (a takeover's old connection ending leaves the new one alone).
 */
export interface EngineClient {
  readonly id: string;
}

/**
 * The in-memory side of a session that is connected or had traffic in this process: the hot-path
 * counters and the few row fields the engine hooks read without a query.
 */
export class LiveSession {
  readonly id: number;
  readonly clientName: string;
  readonly sessionType: 'mqtt' | 'mqApi';
  thresholds: Thresholds;
  subCount: number;
  sessionStatus: SessionRow['sessionStatus'];
  temporary: boolean;
  sessionExpiry: number;
  keepAlive: number;
  maximumPacketSize: number | null = null;
  connected = false;
  client: EngineClient | null = null;
  health: SessionRow['sessionHealth'];
  unhealthyReason: string | null;
  /** The broken threshold as data; known once this process evaluated the session. */
  broken: BrokenThreshold | null = null;
  /** Epoch ms the session turned unhealthy (stored), and the current threshold broke (memory). */
  unhealthySince: number | null;
  brokenSince: number | null;
  /** Topics this session has published that are already stored. */
  readonly publishedTopics = new Set<string>();
  /** Totals changed since they were last written. */
  dirty = false;
  /** Published + received when the session's row was last announced on the feed for its traffic. */
  announcedTraffic = 0;
  lastActivityAt: number | null;
  /** Epoch seconds this process began tracking the session (an MQ API session's health clock before its first use). */
  watchedSince = 0;

  constructor(row: SessionRow, readonly traffic: SessionTraffic) {
    this.id = row.id;
    this.clientName = row.clientName;
    this.sessionType = row.sessionType;
    this.thresholds = thresholdsOf(row);
    this.subCount = row.subCount;
    this.sessionStatus = row.sessionStatus;
    this.temporary = row.temporary;
    this.sessionExpiry = row.sessionExpiry;
    this.keepAlive = row.keepAlive;
    this.health = row.sessionHealth;
    this.unhealthyReason = row.unhealthyReason;
    this.unhealthySince = row.unhealthySince;
    this.brokenSince = row.unhealthySince;
    this.lastActivityAt = row.lastActivityAt;
  }

  refresh(row: SessionRow): void {
    this.thresholds = thresholdsOf(row);
    this.subCount = row.subCount;
    this.sessionStatus = row.sessionStatus;
    this.temporary = row.temporary;
    this.sessionExpiry = row.sessionExpiry;
    this.keepAlive = row.keepAlive;
  }
}

export const thresholdsOf = (row: SessionRow): Thresholds => ({
  minSend: row.minSend, maxSend: row.maxSend, maxBacklog: row.maxBacklog, minSubs: row.minSubs, maxSubs: row.maxSubs,
});
