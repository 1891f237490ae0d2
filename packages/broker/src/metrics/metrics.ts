import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectionLabels, DropReason, EngineStats, RefusalReason } from '../engine/stats-hooks.ts';

/**
 * What the gauges read when Prometheus scrapes (issue 14): in-memory figures and indexed counts in
 * the store, computed at scrape time rather than kept up to date per message.
 */
export interface MetricsSources {
  /** Stored sessions grouped by type, status, connection status and health (an index-only GROUP BY). */
  sessionCounts(): Array<{ sessionType: string; sessionStatus: string; connectionStatus: string; sessionHealth: string; count: number }>;
  /** Topic filters subscribed, over every session. */
  subscriptionCount(): number;
  /** Messages queued and not yet delivered: for MQTT sessions (offline queue + in flight) and MQ API sessions. */
  queuedMessages(): { mqtt: number; mqApi: number };
  retainedMessages(): Promise<number>;
}

/** The totals the EMQX-compatible `/stats`, `/metrics` and `/nodes` read (same sources as `/metrics`). */
export interface TrafficTotals {
  connections: number;
  connectionsMax: number;
  connects: number;
  disconnects: number;
  refused: Record<RefusalReason, number>;
  received: number[];
  sent: number[];
  bytesReceived: number[];
  bytesSent: number[];
  dropped: Record<DropReason, number>;
  expired: number;
}

const QOS = ['0', '1', '2'] as const;
const REFUSALS: RefusalReason[] = ['banned', 'client_id_in_use', 'bad_username_or_password', 'not_authorized', 'server_unavailable'];
const DROPS: DropReason[] = ['queue_full', 'too_large'];
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STORE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

type ApiKind = 'bff' | 'emqx';

/**
 * prom-client's default metrics (event-loop delay, memory, CPU, handles, GC) describe the process,
 * not a broker: one registry for the process, shared by every broker in it (tests start many), so
 * their monitors and observers are set up once.
 */
let processRegistry: Registry | null = null;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * The Prometheus metrics of one broker (issue 14), in their own registry. MQTT traffic arrives
 * through the engine's EngineStats hooks as plain numbers (a label lookup per message would cost
 * the hot path), and is copied into the counters when scraped; request and store latencies are
 * histograms observed as they happen. Label values come from fixed sets (QoS, listener, protocol,
 * reason, action names, route patterns): never a client id, topic or raw URL.
 */
export class BrokerMetrics implements EngineStats {
  readonly registry = new Registry();
  private readonly connections = new Map<string, number>();
  private readonly connects = new Map<string, number>();
  private readonly t: TrafficTotals = {
    connections: 0, connectionsMax: 0, connects: 0, disconnects: 0,
    refused: Object.fromEntries(REFUSALS.map((r) => [r, 0])) as Record<RefusalReason, number>,
    received: [0, 0, 0], sent: [0, 0, 0], bytesReceived: [0, 0, 0], bytesSent: [0, 0, 0],
    dropped: { queue_full: 0, too_large: 0 }, expired: 0,
  };
  private readonly actionLatency: Histogram<'action' | 'source' | 'outcome'>;
  private readonly httpLatency: Histogram<'api' | 'method' | 'route' | 'status'>;
  private readonly storeLatency: Histogram<'store'>;
  private sources: MetricsSources | null = null;

  constructor() {
    const registers = [this.registry];
    const totals = this.t;
    const byKey = (m: Map<string, number>, gauge: Gauge<'listener' | 'protocol'> | Counter<'listener' | 'protocol'>) => {
      for (const [key, n] of m) {
        const [listener, protocol] = key.split(' ') as [string, string];
        gauge.inc({ listener, protocol }, n);
      }
    };
    const connections = this.connections;
    const connects = this.connects;
    new Gauge({
      name: 'mqdash_mqtt_connections', help: 'MQTT connections open now, by listener (tcp, ws) and protocol version (the dashboard feed included)',
      labelNames: ['listener', 'protocol'], registers,
      collect() {
        this.reset();
        byKey(connections, this);
      },
    });
    new Counter({
      name: 'mqdash_mqtt_connects_total', help: 'MQTT connections accepted, by listener and protocol version', labelNames: ['listener', 'protocol'], registers,
      collect() {
        this.reset();
        byKey(connects, this);
      },
    });
    new Counter({
      name: 'mqdash_mqtt_disconnects_total', help: 'MQTT connections ended (DISCONNECT, lost, kicked, taken over)', registers,
      collect() {
        this.reset();
        this.inc(totals.disconnects);
      },
    });
    new Counter({
      name: 'mqdash_mqtt_connects_refused_total', help: 'MQTT CONNECTs refused, by reason (the CONNACK sent)', labelNames: ['reason'], registers,
      collect() {
        this.reset();
        for (const r of REFUSALS) this.inc({ reason: r }, totals.refused[r]);
      },
    });
    const perQos = (name: string, help: string, values: number[]) => new Counter({
      name, help, labelNames: ['qos'], registers,
      collect() {
        this.reset();
        QOS.forEach((qos, i) => this.inc({ qos }, values[i]!));
      },
    });
    perQos('mqdash_mqtt_messages_received_total', 'PUBLISH messages accepted from MQTT clients, by QoS', totals.received);
    perQos('mqdash_mqtt_messages_sent_total', 'messages delivered to MQTT clients, by QoS as delivered', totals.sent);
    perQos('mqdash_mqtt_payload_bytes_received_total', 'payload bytes of the messages received from MQTT clients, by QoS', totals.bytesReceived);
    perQos('mqdash_mqtt_payload_bytes_sent_total', 'payload bytes of the messages delivered to MQTT clients, by QoS', totals.bytesSent);
    new Counter({
      name: 'mqdash_mqtt_messages_dropped_total', help: 'messages not delivered: the session queue was full (oldest dropped), or larger than the session maximum packet size',
      labelNames: ['reason'], registers,
      collect() {
        this.reset();
        for (const d of DROPS) this.inc({ reason: d }, totals.dropped[d]);
      },
    });
    new Counter({
      name: 'mqdash_mqtt_messages_expired_total', help: 'messages whose Message Expiry Interval ran out before delivery', registers,
      collect() {
        this.reset();
        this.inc(totals.expired);
      },
    });
    const sources = () => this.sources;
    new Gauge({
      name: 'mqdash_queued_messages', help: 'messages queued and not yet delivered and acknowledged: MQTT sessions (offline queue + in flight), MQ API sessions',
      labelNames: ['session_type'], registers,
      collect() {
        const s = sources();
        if (!s) return;
        const q = s.queuedMessages();
        this.set({ session_type: 'mqtt' }, q.mqtt);
        this.set({ session_type: 'mqApi' }, q.mqApi);
      },
    });
    new Gauge({
      name: 'mqdash_sessions', help: 'stored sessions by type, status, connection status and health',
      labelNames: ['session_type', 'session_status', 'connection_status', 'session_health'], registers,
      collect() {
        const s = sources();
        if (!s) return;
        this.reset();
        for (const r of s.sessionCounts())
          this.set({ session_type: r.sessionType, session_status: r.sessionStatus, connection_status: r.connectionStatus, session_health: r.sessionHealth }, r.count);
      },
    });
    new Gauge({
      name: 'mqdash_subscriptions', help: 'topic filters subscribed by sessions (MQTT and MQ API)', registers,
      collect() {
        const s = sources();
        if (s) this.set(s.subscriptionCount());
      },
    });
    new Gauge({
      name: 'mqdash_mqtt_retained_messages', help: 'retained messages held', registers,
      async collect() {
        const s = sources();
        if (s) this.set(await s.retainedMessages());
      },
    });
    this.actionLatency = new Histogram({
      name: 'mqdash_json_action_duration_seconds', help: 'JSON actions (POST /api, and those the BFF and EMQX routes run in-process), by action, caller and outcome',
      labelNames: ['action', 'source', 'outcome'], buckets: LATENCY_BUCKETS, registers,
    });
    this.httpLatency = new Histogram({
      name: 'mqdash_http_request_duration_seconds', help: 'BFF (/bff) and EMQX-compatible (/api/v5) requests, by route pattern and status class',
      labelNames: ['api', 'method', 'route', 'status'], buckets: LATENCY_BUCKETS, registers,
    });
    this.storeLatency = new Histogram({
      name: 'mqdash_store_write_duration_seconds', help: 'store writes: registry writes (a statement or a transaction) and MQTT state group-commit flushes',
      labelNames: ['store'], buckets: STORE_BUCKETS, registers,
    });
    processMetrics();
  }

  /** Where the scrape-time gauges read from (the broker sets it once everything is open). */
  setSources(sources: MetricsSources): void {
    this.sources = sources;
  }

  // ---- EngineStats: the engine's hot path, plain numbers only ---------------------------------

  connected(c: ConnectionLabels): void {
    const key = `${c.listener} ${c.protocol}`;
    this.connections.set(key, (this.connections.get(key) ?? 0) + 1);
    this.connects.set(key, (this.connects.get(key) ?? 0) + 1);
    this.t.connects++;
    if (++this.t.connections > this.t.connectionsMax) this.t.connectionsMax = this.t.connections;
  }

  disconnected(c: ConnectionLabels): void {
    const key = `${c.listener} ${c.protocol}`;
    this.connections.set(key, (this.connections.get(key) ?? 1) - 1);
    this.t.connections--;
    this.t.disconnects++;
  }

  refused(reason: RefusalReason): void {
    this.t.refused[reason]++;
  }

  received(qos: number, payloadBytes: number): void {
    this.t.received[qos]!++;
    this.t.bytesReceived[qos]! += payloadBytes;
  }

  sent(qos: number, payloadBytes: number): void {
    this.t.sent[qos]!++;
    this.t.bytesSent[qos]! += payloadBytes;
  }

  dropped(reason: DropReason): void {
    this.t.dropped[reason]++;
  }

  expired(): void {
    this.t.expired++;
  }

  // ---- latencies -------------------------------------------------------------------------------

  /** One JSON action; `action` must be a name the broker offers (or `unknown`), never the raw request's. */
  observeAction(action: string, source: string, ok: boolean, seconds: number): void {
    this.actionLatency.observe({ action, source, outcome: ok ? 'success' : 'error' }, seconds);
  }

  /** One HTTP request; `route` is the route's pattern (`/clients/:clientid`), never the URL. */
  observeHttp(api: ApiKind, method: string, route: string, statusCode: number, seconds: number): void {
    this.httpLatency.observe({ api, method, route, status: `${Math.floor(statusCode / 100)}xx` }, seconds);
  }

  observeStoreWrite(store: 'registry' | 'mqtt_state', seconds: number): void {
    this.storeLatency.observe({ store }, seconds);
  }

  // ---- reading ---------------------------------------------------------------------------------

  /** The traffic totals since start (a copy), for the EMQX-compatible routes. */
  totals(): TrafficTotals {
    const t = this.t;
    return {
      ...t, refused: { ...t.refused }, dropped: { ...t.dropped },
      received: [...t.received], sent: [...t.sent], bytesReceived: [...t.bytesReceived], bytesSent: [...t.bytesSent],
    };
  }

  /** The Prometheus text exposition of every metric: the broker's, then the process's. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    const [broker, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return { contentType: this.registry.contentType, body: `${broker}\n${process}` };
  }
}
