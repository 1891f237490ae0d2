/**
 * The shapes shared by mqdash's own MQTT engine: the message that travels from a publisher to the
 * sessions, a subscription, the hooks the rest of the broker plugs into and the engine's options.
 */
import type { Duplex } from 'node:stream';
import type { IConnectPacket, IPublishPacket, QoS } from 'mqtt-packet';

/** The PUBLISH properties that travel with a message (not the per-hop alias and identifiers). */
export type MessageProperties = Omit<NonNullable<IPublishPacket['properties']>, 'topicAlias' | 'subscriptionIdentifier' | 'messageExpiryInterval'>;

/** An application message on its way from a publisher (or a will, or the broker) to subscribers. */
export interface EngineMessage {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  properties: MessageProperties;
  /** Epoch ms after which the message is no longer delivered (message expiry interval). */
  expiresAt?: number;
  /** The publishing client id, for No Local; undefined for the broker's own messages. */
  origin?: string;
  /** Retained messages only: epoch ms when the broker stored it (kept with it across restarts). */
  storedAt?: number;
  /** Retained messages only: the publisher's CONNECT user name. */
  publisherUsername?: string;
}

/** One subscription of a session, as SUBSCRIBE gave it. */
export interface Subscription {
  clientId: string;
  /** The filter as subscribed, `$share/{group}/{filter}` included. */
  filter: string;
  /** The filter matched against topics (without the `$share/{group}/` prefix). */
  topicFilter: string;
  /** The share name for shared subscriptions. */
  group?: string;
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: 0 | 1 | 2;
  subscriptionId?: number;
}

/** What the hooks learn of a connected client. */
export interface ClientInfo {
  clientId: string;
  protocolVersion: 4 | 5;
  username?: string;
  remoteAddress?: string;
  remotePort?: number;
}

/** What the authenticate hook sees of a CONNECT. */
export interface ConnectRequest extends ClientInfo {
  password?: Buffer;
  /** The connection's stream (what its listener knows of the transport, e.g. a client certificate). */
  stream?: Duplex;
  cleanStart: boolean;
  keepAlive: number;
  packet: IConnectPacket;
  /** Set by authenticate along with a refusal: why, in words, in an MQTT 5 CONNACK's Reason String. */
  reasonString?: string;
}

/** An MQTT 5 reason code; 0 means success. The engine maps it to a 3.1.1 return code. */
export type ReasonCode = number;

/**
 * Why a session let a message go undelivered: `queue_full` (the oldest of a full queue), `expired`
 * (its Message Expiry Interval passed while it waited [MQTT-3.3.2-5]), `too_large` (over the
 * client's Maximum Packet Size), `congested` (QoS 0 to a client not reading fast enough).
 */
export type DropReason = 'queue_full' | 'expired' | 'too_large' | 'congested';

/**
 * The seams the session registry, bans, accounts and permissions plug into. Every hook may be
 * async; each has a permissive default.
 */
export interface EngineHooks {
  /**
   * At CONNECT, before anything changes: 0 admits, any other reason code refuses (e.g. 0x86, 0x87, 0x8A).
   * It may change `request.packet` (clean, properties, will) and `request.keepAlive` (an MQTT 5
   * client is told the new value as Server Keep Alive): administrator overrides.
   */
  authenticate?(request: ConnectRequest): ReasonCode | Promise<ReasonCode>;
  /** Before a PUBLISH (or a will) is routed: 0 allows, otherwise a reason code such as 0x87. */
  authorizePublish?(client: ClientInfo | undefined, message: EngineMessage): ReasonCode | Promise<ReasonCode>;
  /** Per filter at SUBSCRIBE: the QoS to grant (at most the requested one) or a failure code (>= 0x80). */
  authorizeSubscribe?(client: ClientInfo, subscription: Subscription): number | Promise<number>;
  onConnect?(client: ClientInfo, sessionPresent: boolean): void;
  /** The connection ended; `reasonCode` is what the client sent or what the server closed it with. */
  onDisconnect?(client: ClientInfo, reasonCode: ReasonCode): void;
  /** A message was accepted for routing (client publishes and wills). */
  onPublish?(client: ClientInfo | undefined, message: EngineMessage): void;
  onSessionEnd?(clientId: string): void;
  /** Subscriptions a SUBSCRIBE granted (after SUBACK), for the session registry. */
  onSubscribe?(client: ClientInfo, subscriptions: Subscription[]): void;
  /** Filters an UNSUBSCRIBE removed. */
  onUnsubscribe?(client: ClientInfo, filters: string[]): void;
  /** A session's queue or in-flight window changed: its backlog (messages in flight and queued). */
  onBacklog?(clientId: string, backlog: number): void;
  /**
   * A message was written to a client for the first time (now, or when its queue drained; not a
   * resend with DUP), at the QoS it is delivered with. Dropped and expired messages are not reported here.
   */
  onDeliver?(clientId: string, message: EngineMessage, qos: number): void;
  /** A message a session let go undelivered, and why (see DropReason). */
  onDrop?(clientId: string, reason: DropReason): void;
  /** A fault inside the engine or a hook; the engine has already ended what it concerned (a connection, a will). */
  onError?(error: unknown, where: string): void;
}

export interface EngineOptions {
  hooks?: EngineHooks;
  /** The largest packet the broker accepts (and announces in CONNACK); 0 = the protocol's limit. */
  maximumPacketSize?: number;
  /** Receive Maximum announced to clients: QoS 1/2 PUBLISHes a client may have unacknowledged. */
  receiveMaximum?: number;
  /** Topic Alias Maximum announced to clients (inbound aliases). */
  topicAliasMaximum?: number;
  /** Server Keep Alive: the longest keep-alive allowed (0 = the client's value). */
  keepAliveLimit?: number;
  /** The longest client identifier accepted. */
  maxClientIdLength?: number;
  /** QoS 1/2 messages queued per offline or saturated session; when full, the oldest is dropped. */
  maxQueuedMessages?: number;
  /** How long a client may take from opening the connection to CONNECT, in ms. */
  connectTimeoutMs?: number;
  /**
   * Bytes waiting to be written to a client before it counts as congested: QoS 0 messages to it are
   * dropped and its QoS 1/2 messages wait in the session queue until the buffer drains.
   */
  maxWriteBufferBytes?: number;
  /**
   * How long a write to a client may wait for its socket to drain, in ms, before the connection is
   * ended (DISCONNECT 0x97): a client that stops reading cannot hold the broker's memory. 0 = never.
   */
  drainTimeoutMs?: number;
  /** Connected clients at most; a CONNECT beyond it gets 0x89 Server busy (3.1.1: 3). 0 = no limit. */
  maxConnections?: number;
  /**
   * Response Information for MQTT 5 clients that ask for it (Request Response Information 1): the
   * base of their response topics, e.g. `reply/{clientId}`. Empty: never sent [MQTT-3.1.2-31].
   */
  responseInformation?: string;
  /** Subscriptions one session may hold; beyond it SUBACK says 0x97 Quota exceeded. 0 = no limit. */
  maxSubscriptionsPerClient?: number;
  /** New CONNECTs per second, engine-wide; beyond it CONNACK 0x9F Connection rate exceeded (3.1.1: 3). 0 = no limit. */
  maxConnectRate?: number;
  /** PUBLISHes per second one connection may send; beyond it DISCONNECT 0x96 Message rate too high (3.1.1: closed). 0 = no limit. */
  maxPublishRate?: number;
  /** Payload bytes per second one connection may publish; beyond it DISCONNECT 0x97 Quota exceeded (3.1.1: closed). 0 = no limit. */
  maxPublishBytesRate?: number;
  /** Payload bytes queued per session; beyond it the oldest queued messages are dropped (queue_full). 0 = no limit. */
  maxQueuedBytes?: number;
}

export const UNLIMITED_EXPIRY = 0xffffffff;
