import type { AccessDenials } from './actions/topic-permissions.ts';
import type { ConnectionStatus, Label, MqttProtocol, SessionHealth, SessionStatus, SessionType } from './common.ts';

/** The seeds' `stats` object (seed 001), computed as DESIGN §3 "Stats and health" defines. */
export interface SessionStats {
  minHealthySendRatePerMinute: number;
  maxHealthySendRatePerMinute: number;
  maxHealthyBacklogRatePerMinute: number;
  minHealthySubscribedTopicFiltersCount: number;
  maxHealthySubscribedTopicFiltersCount: number;
  sessionHealth: SessionHealth;
  /** mqdash: which threshold makes the session unhealthy, in words. */
  unhealthyReason?: string;
  /** mqdash extension (issue 13): `unhealthyReason` as data, for a console to put in its own words. */
  unhealthyReasonDetail?: HealthReason;
  /** mqdash extension (issue 13): when the session turned unhealthy (ISO 8601, UTC); kept in the store. */
  unhealthySince?: string;
  totalMessagesPublished: number;
  publishRatePerMinute: number;
  publishRatePerMinuteLast10Minutes: number;
  publishRatePerMinuteInSession: number;
  publishRatePerHour: number;
  totalMessagesReceived: number;
  receiveMessagesPerMinute: number;
  receiveMessagesPerMinuteLast10Minutes: number;
  /** Spelled as in seed 001 (DESIGN §3 keeps it). */
  receiveMessagesPerMinuteSinceInSession: number;
  receiveMessagesPerHour: number;
  currentDeliveryBacklogged: number;
  deliveryBacklogRatePerMinute: number;
  deliveryBacklogRatePerMinuteLast10Minutes: number;
  deliveryBacklogRatePerMinuteInSession: number;
  deliveryBacklogRatePerHour: number;
  deliveryBacklogRatePerDay: number;
  /**
   * mqdash extension: messages dropped from this session's queue because it was full (the oldest
   * go first; limit MQTT_MAX_QUEUED_MESSAGES), since the broker started.
   */
  droppedMessages?: number;
}

/** The threshold property that each measure is held against (DESIGN §3 "Stats and health"). */
export type HealthLimitProperty =
  | 'minHealthySendRatePerMinute'
  | 'maxHealthySendRatePerMinute'
  | 'maxHealthyBacklogRatePerMinute'
  | 'minHealthySubscribedTopicFiltersCount'
  | 'maxHealthySubscribedTopicFiltersCount';

/**
 * mqdash extension (issue 13 "Health in words"): the broken threshold of an unhealthy session.
 * `unhealthyReason` keeps the same facts as one string for API compatibility.
 */
export interface HealthReason {
  measure: 'publishRatePerMinute' | 'deliveryBacklogRatePerMinute' | 'subscribedTopicFiltersCount';
  /** `below` a minimum or `above` a maximum. */
  comparison: 'below' | 'above';
  /** The measure's current value. */
  value: number;
  /** The threshold's value. */
  limit: number;
  limitProperty: HealthLimitProperty;
  /** When this threshold became the broken one (ISO 8601, UTC). */
  since: string;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface SubscribedTopic {
  topicFilter: string;
  qos: number;
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: number;
  /** FairCom's names of the subscription's options (subscribeToMq). */
  receiveMyMessages?: boolean;
  receiveRetainedMessages?: 'onSubscription' | 'onNewSubscription' | 'never';
  subscriptionIdentifier?: number;
  includeExpiredMessages?: boolean;
  userProperties?: KeyValue[];
  /** mqdash: when the subscription was made (ISO 8601, UTC), when known. */
  subscribedDateTime?: string;
  /**
   * FairCom: the topics published under this filter since it was subscribed, as far as the topic
   * history tracks them (its topics; TOPIC_HISTORY_MAX_TOPICS), at most MAX_SUBSCRIBED_TOPIC_TOPICS.
   */
  topics?: Array<{ topic: string }>;
}

/** Most `topics` one subscribedTopics item of describeMqSessions lists. */
export const MAX_SUBSCRIBED_TOPIC_TOPICS = 100;

export interface DefaultResponseOptions {
  binaryFormat: string;
  variantFormat: string;
  dataFormat: string;
  numberFormat: string;
}

/** One session as describeMqSessions returns it (seed 001), plus the alter/create settings. */
export interface SessionDetail {
  clientName: string;
  cleanSession: boolean;
  temporarySession: boolean;
  sessionStatus: SessionStatus;
  username?: string;
  ipaddress?: string;
  port?: number;
  mqttProtocol?: MqttProtocol;
  keepAliveSeconds: number;
  connectionStatus: ConnectionStatus;
  connectionDateTime?: string;
  disconnectionDateTime?: string;
  /** mqdash extension (issue 13), MQ API sessions only: when an action last used the session (published or read as it). */
  lastUsedDateTime?: string;
  /** mqdash extension (issue 11), on a clustered node (DATABASE_URL): the NODE_NAME of the node the MQTT client last connected on. */
  nodeName?: string;
  createdDateTime: string;
  lastFailedConnectDateTime?: string;
  lastFailedConnectReason?: string;
  defaultBinaryFormat: string;
  defaultVariantFormat: string;
  defaultResponseOptions: DefaultResponseOptions;
  sessionType: SessionType;
  sessionExpiryInterval: number;
  receiveMaximum: number;
  maximumPacketSize: number;
  topicAliasMaximum: number;
  requestProblemInformation: boolean;
  requestResponseInformation: boolean;
  mqttPayloadType: string;
  userProperties: KeyValue[];
  stats?: SessionStats;
  willTopic?: string;
  willQoS?: number;
  willPayload?: unknown;
  willRetain?: boolean;
  willContentType?: string;
  willCorrelationData?: unknown;
  willPayloadFormatIndicator?: string;
  willExpirySeconds?: number;
  willDelaySeconds?: number;
  willResponseTopic?: string;
  willUserProperties?: KeyValue[];
  label?: Label & { id: number };
  subscriberCount: number;
  subscribedTopics?: SubscribedTopic[];
  publishedTopics?: string[];
  metadata: unknown;
  /** Issue 12: CONNECTs, PUBLISHes and SUBSCRIBEs the ban list or topic permissions refused since the broker started. */
  accessDenials?: AccessDenials;
}

/**
 * One row of listMqSessions. Seed 000 shows clientName and sessionType; mqdash adds the columns a
 * console's table shows (DESIGN §5 "row"), so one list call fills a table.
 */
export interface SessionListRow {
  clientName: string;
  sessionType: SessionType;
  sessionStatus: SessionStatus;
  connectionStatus: ConnectionStatus;
  sessionHealth: SessionHealth;
  unhealthyReason?: string;
  /** mqdash extension, as in SessionStats. */
  unhealthyReasonDetail?: HealthReason;
  /** mqdash extension, as in SessionStats. */
  unhealthySince?: string;
  temporarySession: boolean;
  ipaddress?: string;
  port?: number;
  mqttProtocol?: MqttProtocol;
  username?: string;
  lastConnectDateTime?: string;
  lastDisconnectDateTime?: string;
  /** mqdash extension (issue 13), MQ API sessions only: when an action last used the session (published or read as it). */
  lastUsedDateTime?: string;
  /** mqdash extension (issue 11), on a clustered node (DATABASE_URL): the NODE_NAME of the node the MQTT client last connected on. */
  nodeName?: string;
  subscribedTopicFiltersCount: number;
  publishRatePerMinute: number;
  receiveMessagesPerMinute: number;
  currentDeliveryBacklogged: number;
  label?: Label & { id: number };
}
