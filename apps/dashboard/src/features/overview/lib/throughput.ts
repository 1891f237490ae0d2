import type { OverviewMessage, OverviewSample } from '@mqdash/contracts';
import { useSyncExternalStore } from 'react';

/**
 * Throughput over time for the overview charts: the server's per-minute samples (averaged to
 * per second) up to where this browser's own 5-second points from the feed begin.
 */

export interface ThroughputPoint {
  /** Seconds since the epoch. */
  t: number;
  inPerSecond: number;
  outPerSecond: number;
  connections: number;
}

export interface ThroughputSeries {
  t: number[];
  inPerSecond: number[];
  outPerSecond: number[];
  connections: number[];
}

const WINDOW_S = 60 * 60;

let points: readonly ThroughputPoint[] = [];
const listeners = new Set<() => void>();

/** Records a feed overview message (the app does it for every one, on any page). */
export function recordOverview(message: OverviewMessage): void {
  const t = Date.parse(message.ts) / 1000;
  if (Number.isNaN(t)) return;
  const last = points[points.length - 1];
  if (last && t <= last.t) return; // the retained message again after a reconnect
  const next = [...points, { t, inPerSecond: message.messagesInPerSecond, outPerSecond: message.messagesOutPerSecond, connections: message.connections }];
  points = next.filter((p) => p.t >= t - WINDOW_S);
  for (const listener of listeners) listener();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useLiveThroughput = (): readonly ThroughputPoint[] => useSyncExternalStore(subscribe, () => points);

/** History samples before the first live point, then the live points, within the last hour. */
export function throughputSeries(history: readonly OverviewSample[], live: readonly ThroughputPoint[], nowS: number, windowS = WINDOW_S): ThroughputSeries {
  const firstLive = live[0]?.t ?? Infinity;
  const fromHistory: ThroughputPoint[] = history
    .map((s) => ({ t: Date.parse(s.ts) / 1000, inPerSecond: s.messagesIn / 60, outPerSecond: s.messagesOut / 60, connections: s.connections }))
    .filter((p) => !Number.isNaN(p.t) && p.t < firstLive);
  const all = [...fromHistory, ...live].filter((p) => p.t >= nowS - windowS).sort((a, b) => a.t - b.t);
  return {
    t: all.map((p) => p.t),
    inPerSecond: all.map((p) => Math.round(p.inPerSecond * 10) / 10),
    outPerSecond: all.map((p) => Math.round(p.outPerSecond * 10) / 10),
    connections: all.map((p) => p.connections),
  };
}
