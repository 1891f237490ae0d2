import type Database from 'better-sqlite3';
import type { BrokerEngine } from '../engine/broker-engine.ts';
import type { ApiSessionQueues } from '../messaging/api-session-queues.ts';
import type { MetricsSources } from './metrics.ts';

/**
 * The scrape-time sources of the broker as it is built today: session counts from the store (the
 * `sessions_overview` index answers the GROUP BY without reading rows), queue depths and retained
 * messages from the engine and the MQ API queues (in memory).
 */
export function brokerMetricsSources(db: Database.Database, engine: BrokerEngine, apiQueues: ApiSessionQueues): MetricsSources {
  const byState = db.prepare(`SELECT session_type AS sessionType, session_status AS sessionStatus, connection_status AS connectionStatus,
    session_health AS sessionHealth, count(*) AS count FROM sessions GROUP BY 1, 2, 3, 4`);
  const subscriptions = db.prepare('SELECT count(*) FROM subscriptions').pluck();
  return {
    sessionCounts: () => byState.all() as ReturnType<MetricsSources['sessionCounts']>,
    subscriptionCount: () => subscriptions.get() as number,
    queuedMessages: () => ({ mqtt: engine.queuedMessages(), mqApi: apiQueues.total() }),
    retainedMessages: () => engine.retainedMessages(),
  };
}
