import type { SessionDetail, SessionListRow } from '@mqdash/contracts';
import { buildStats, idleRates } from '../stats/session-stats.ts';
import type { LabelRow, SessionRow, Store } from '../store/types.ts';
import type { LiveSession } from './live-session.ts';
import { thresholdsOf } from './live-session.ts';
import { describeSubscription } from './subscription-options.ts';
import { healthFieldsOf } from './health-fields.ts';

export const iso = (ms: number | null | undefined): string | undefined => (ms == null ? undefined : new Date(ms).toISOString());

/** `unknown` (an MQ API session never used) is reported as disconnected (DESIGN §3). */
const connectionStatusOf = (row: SessionRow) => (row.connectionStatus === 'unknown' ? 'disconnected' : row.connectionStatus);

/** When an MQ API session was last used (the live value is the newest). */
const lastUsedOf = (row: SessionRow, live: LiveSession | undefined) => {
  const at = live ? live.lastActivityAt : row.lastActivityAt;
  return row.sessionType === 'mqApi' && at != null ? { lastUsedDateTime: iso(at) } : {};
};

/** Issue 11: the node the MQTT client last connected on, recorded at CONNECT by a clustered node. */
const nodeOf = (row: SessionRow) => (typeof row.settings.nodeName === 'string' ? { nodeName: row.settings.nodeName } : {});

const labelOf = (l: LabelRow | undefined) => (l ? { id: l.id, group: l.group, name: l.name } : undefined);

function ratesOf(row: SessionRow, live: LiveSession | undefined, nowMs: number) {
  return live ? live.traffic.rates(Math.floor(nowMs / 1000)) : idleRates(row.totalPublished, row.totalReceived);
}

const defaultResponseOptions = { binaryFormat: 'hex', variantFormat: 'json', dataFormat: 'objects', numberFormat: 'number' };

export interface DetailOptions {
  includeStats: boolean;
  includeSubscribedTopics: boolean;
  includePublishedTopics: boolean;
  /** The topics published under a filter since a time (FairCom's subscribedTopics[].topics). */
  topicsUnder?: (filter: string, sinceMs: number) => string[];
}

/** A session as describeMqSessions returns it (seed 001). */
export function toDetail(row: SessionRow, live: LiveSession | undefined, store: Store, o: DetailOptions, nowMs: number): SessionDetail {
  const s = row.settings as Record<string, any>;
  const subs = store.subscriptions(row.id);
  const d: SessionDetail = {
    clientName: row.clientName,
    cleanSession: row.temporary,
    temporarySession: row.temporary,
    sessionStatus: row.sessionStatus,
    ...(row.username != null ? { username: row.username } : {}),
    ...(row.ipAddress != null ? { ipaddress: row.ipAddress } : {}),
    ...(row.port != null ? { port: row.port } : {}),
    ...(row.mqttProtocol != null ? { mqttProtocol: row.mqttProtocol as SessionDetail['mqttProtocol'] } : {}),
    keepAliveSeconds: row.keepAlive,
    connectionStatus: connectionStatusOf(row),
    ...(row.connectedAt != null ? { connectionDateTime: iso(row.connectedAt) } : {}),
    ...(row.disconnectedAt != null ? { disconnectionDateTime: iso(row.disconnectedAt) } : {}),
    ...lastUsedOf(row, live),
    ...nodeOf(row),
    createdDateTime: iso(row.createdAt)!,
    ...(row.failedAt != null ? { lastFailedConnectDateTime: iso(row.failedAt), lastFailedConnectReason: row.failedReason ?? '' } : {}),
    defaultBinaryFormat: 'hex',
    defaultVariantFormat: 'json',
    defaultResponseOptions,
    sessionType: row.sessionType,
    sessionExpiryInterval: row.sessionExpiry,
    receiveMaximum: s.receiveMaximum ?? 1024,
    maximumPacketSize: s.maximumPacketSize ?? (row.sessionType === 'mqtt' ? 268435455 : 1024),
    topicAliasMaximum: s.topicAliasMaximum ?? 0,
    requestProblemInformation: s.requestProblemInformation ?? true,
    requestResponseInformation: s.requestResponseInformation ?? false,
    mqttPayloadType: s.mqttPayloadType ?? 'binary',
    userProperties: s.userProperties ?? [],
    willTopic: s.willTopic ?? '',
    willQoS: 2,
    willPayload: s.willPayload ?? '',
    willRetain: s.willRetain ?? false,
    willContentType: s.willContentType ?? '',
    willCorrelationData: s.willCorrelationData ?? '',
    willPayloadFormatIndicator: s.willPayloadFormatIndicator ?? 'none',
    willExpirySeconds: s.willExpirySeconds ?? 0,
    willDelaySeconds: s.willDelaySeconds ?? 0,
    willResponseTopic: s.willResponseTopic ?? '',
    willUserProperties: s.willUserProperties ?? [],
    ...(row.labelId != null ? { label: labelOf(store.getLabel(row.labelId)) } : {}),
    subscriberCount: subs.length,
    metadata: s.metadata ?? {},
  };
  if (o.includeStats) {
    const t = thresholdsOf(row);
    d.stats = buildStats(t, ratesOf(row, live, nowMs), healthFieldsOf(row, live));
  }
  if (o.includeSubscribedTopics) {
    const topicsOf = o.topicsUnder ?? (() => []);
    d.subscribedTopics = subs.map((x) => describeSubscription(x, topicsOf(x.topicFilter, Number(x.options.subscribedAt ?? 0))));
  }
  if (o.includePublishedTopics) d.publishedTopics = store.publishedTopics(row.id);
  return d;
}

/** One listMqSessions row: the seed's clientName and sessionType plus the table's columns. */
export function toListRow(row: SessionRow, live: LiveSession | undefined, label: LabelRow | undefined, nowMs: number): SessionListRow {
  const nowSec = Math.floor(nowMs / 1000);
  return {
    clientName: row.clientName,
    sessionType: row.sessionType,
    sessionStatus: row.sessionStatus,
    connectionStatus: connectionStatusOf(row),
    ...healthFieldsOf(row, live),
    temporarySession: row.temporary,
    ...(row.ipAddress != null ? { ipaddress: row.ipAddress } : {}),
    ...(row.port != null ? { port: row.port } : {}),
    ...(row.mqttProtocol != null ? { mqttProtocol: row.mqttProtocol as SessionListRow['mqttProtocol'] } : {}),
    ...(row.username != null ? { username: row.username } : {}),
    ...(row.connectedAt != null ? { lastConnectDateTime: iso(row.connectedAt) } : {}),
    ...(row.disconnectedAt != null ? { lastDisconnectDateTime: iso(row.disconnectedAt) } : {}),
    ...lastUsedOf(row, live),
    ...nodeOf(row),
    subscribedTopicFiltersCount: row.subCount,
    publishRatePerMinute: live ? live.traffic.published.lastMinute(nowSec) : 0,
    receiveMessagesPerMinute: live ? live.traffic.received.lastMinute(nowSec) : 0,
    currentDeliveryBacklogged: live ? live.traffic.backlog.level : 0,
    ...(label ? { label: labelOf(label) } : {}),
  };
}
