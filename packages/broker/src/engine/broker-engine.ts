import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { PublishPacket } from '../messaging/payload.ts';
import type { WillSettings } from './will.ts';

/** MQTT 5 reason codes the broker sends itself (both engines). */
export const Reason = {
  notAuthorized: 0x87,
  clientIdNotValid: 0x85,
  banned: 0x8a,
  administrativeAction: 0x98,
} as const;


/**
 * The answer to a CONNECT: accepted with the account it authenticated as (null: anonymous), or
 * refused with an MQTT 3.1.1 return code that aedes maps for MQTT 5 (DESIGN §8: 3 → 0x88
 * Server unavailable, 4 → 0x86 Bad user name or password, 5 → 0x87 Not authorized) and a reason
 * recorded as the session's last failed connect. A reason never holds the password.
 */
export type ConnectVerdict = ({ ok: true; account: string | null } & ExternalGrant) | { ok: false; returnCode: 3 | 4 | 5; reason: string };

/** Topic filters a token grants (the JWT `acl` claim); a list given decides that operation alone. */
export interface ClaimPermissions {
  publish?: string[];
  subscribe?: string[];
}

/**
 * What a JWT or the HTTP auth hook adds to an accepted CONNECT (issue 12). `external`: no stored
 * account stands behind it (the engines skip `admits`); `username`: the user name the token
 * names (a CONNECT without one gets it); `expiresAt` (epoch ms): the engine disconnects the
 * client then; `permissions`: evaluated before the stored topic permissions.
 */
export interface ExternalGrant {
  external?: boolean;
  username?: string;
  expiresAt?: number;
  permissions?: ClaimPermissions;
}

/** Where a CONNECT comes from: the sign-in limiter counts failures per address (issue 12, w/security). */
export interface ConnectOrigin {
  clientId: string;
  remoteAddress: string | null;
  /**
   * TLS_CERT_CN_AS_USERNAME: the CN of the client certificate the TLS listener verified, which is
   * then the user name (and the certificate the credential: no password is checked).
   */
  certificateUsername?: string;
  /** The CONNECT's protocol level (4: 3.1.1, 5), for the HTTP auth hook. */
  protocolVersion?: number;
}

/** How the engine authenticates MQTT clients (the dashboard's feed user aside). */
export interface ClientAuthenticator {
  check(username: string | undefined, password: Buffer | undefined, origin?: ConnectOrigin): ConnectVerdict | Promise<ConnectVerdict>;
  /** Whether a client connected with this account (null: none) may stay connected, checked once it is. */
  admits(account: string | null): boolean;
}

/** The default ClientAuthenticator: every client gets in, anonymous. */
export const allowEveryClient: ClientAuthenticator = {
  check: () => ({ ok: true, account: null }),
  admits: () => true,
};

/** Broker-wide message counters for the overview (messages in from clients, out to clients). */
export interface TrafficCounters {
  in: number;
  out: number;
}

/** A subscription given on a session's behalf (subscribeToMq), in the MQTT 5 option names. */
export interface SubscriptionRequest {
  topic: string;
  qos: number;
  nl?: boolean;
  rap?: boolean;
  rh?: number;
  /** MQTT 5 Subscription Identifier sent with the messages this subscription delivers. */
  subscriptionIdentifier?: number;
}

export interface DisconnectOptions {
  /** MQTT 5 reason code of the DISCONNECT; 0x98 Administrative action by default. */
  reasonCode?: number;
  /** Discard the will first, so it is not published (kick, ban, delete). */
  dropWill?: boolean;
  /** Why, in words, for the events feed and the session timeline. */
  reason?: string;
}

/**
 * A message the engine accepted for routing, as the topic history and the MQ API queues see it;
 * `publisher` is the publishing client id, null for the broker's own messages.
 */
export type PublishListener = (packet: PublishPacket, publisher: string | null) => void;

/**
 * What the rest of the broker uses of its MQTT engine (issue 10, DESIGN §3): the aedes wrapper
 * (engine.ts) and mqdash's own engine (mqdash-broker-engine.ts) both implement it, so nothing outside
 * `engine/` depends on which one runs.
 */
export interface BrokerEngine {
  /** Which engine this is (MQDASH_ENGINE). */
  readonly kind: 'aedes' | 'mqdash';
  readonly counters: TrafficCounters;
  /** Largest MQTT packet accepted, bytes (the protocol's 268,435,455 when unlimited). */
  readonly maximumPacketSize: number;
  /** Most topic levels a published topic may have. */
  readonly maxTopicLevels: number;
  /** Open MQTT connections, the dashboard's feed connections included. */
  connectedCount(): number;
  /** Accepts a connection (TCP socket or WebSocket stream). */
  handle(stream: Duplex, req?: IncomingMessage): void;
  /** Whether a client with this name is connected now. */
  isConnected(clientName: string): boolean;
  /**
   * Ends a client's connection (MQTT 5 clients get a DISCONNECT with the reason code). Resolves
   * whether a connection was ended.
   */
  disconnect(clientName: string, opts?: DisconnectOptions): Promise<boolean>;
  /** Connected MQTT clients with the account each authenticated as (null: anonymous); feed connections excluded. */
  connectedClients(): ConnectedClient[];
  /** Disconnects (0x87, will dropped) the clients whose account matches; resolves how many. */
  revokeAccess(match: (account: string | null) => boolean, reason: string): Promise<number>;
  /** Replaces a connected client's will (alterMqSession); a will without topic removes it. */
  setWill(clientName: string, settings: WillSettings): void;
  /** Subscribes a session on its behalf: through its connection when connected, else in its stored state. */
  subscribe(clientName: string, subs: SubscriptionRequest[]): Promise<'live' | 'stored'>;
  unsubscribe(clientName: string, topics: string[]): Promise<'live' | 'stored'>;
  /** Removes the MQTT protocol state of a session that is gone (subscriptions, queue, will). */
  wipe(clientName: string): void;
  /** Messages queued for MQTT sessions and not yet acknowledged. */
  queuedMessages(): number;
  /**
   * Retention (issue 14): messages queued before `cutoff` (epoch ms) for sessions whose client is
   * not connected, and not sent yet (in flight ones stay). Counted; 0 while the stored state loads.
   */
  countQueuedBefore(cutoff: number): number;
  /** Removes up to `limit` of those (each session's oldest first) and their rows; returns how many (0: none left). */
  purgeQueuedBefore(cutoff: number, limit: number): number;
  retainedMessages(): Promise<number>;
  /** Publishes as the broker (or, with `packet.clientId`, as that session: No Local applies). */
  publish(packet: PublishPacket): Promise<void>;
  /** Calls `listener` for every message accepted for routing; returns the function that stops it. */
  onPublish(listener: PublishListener): () => void;
  /**
   * Whether an MQTT subscription matches `topic` now: a connected client's, or a stored session's
   * it would be queued for.
   */
  hasSubscribers(topic: string): Promise<boolean>;
  /** Stops serving, disconnects the clients and writes what is pending. */
  close(): Promise<void>;
}

/**
 * BrokerEngine.revokeAccess for either engine: disconnects the connected clients whose account
 * matches with 0x87 Not authorized, wills discarded (the broker no longer publishes for them).
 */
export async function revokeMatching(engine: Pick<BrokerEngine, 'connectedClients' | 'disconnect'>, match: (account: string | null) => boolean, reason: string): Promise<number> {
  const targets = engine.connectedClients().filter((c) => match(c.account));
  const done = await Promise.all(targets.map((c) => engine.disconnect(c.clientName, { reasonCode: Reason.notAuthorized, dropWill: true, reason })));
  return done.filter(Boolean).length;
}

/** The protocol's largest packet (MQTT 5 §1.5.5: a four-byte remaining length). */
export const PROTOCOL_MAX_PACKET = 268435455;

/** A connected MQTT client as the access checks see it. */
export interface ConnectedClient {
  clientName: string;
  /** The account it authenticated as; null: anonymous or unchecked. */
  account: string | null;
  /** The CONNECT's user name. */
  username: string | null;
  ipAddress: string | null;
}

/** A timer for a token's expiry (either engine): `fire` runs at `expiresAt` (epoch ms), at once when past. */
export function atExpiry(expiresAt: number, fire: () => void): { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = expiresAt - Date.now();
    if (left <= 0) return fire();
    // setTimeout holds at most 2^31-1 ms (24.8 days): a longer token is looked at again then.
    timer = setTimeout(arm, Math.min(left, 2 ** 31 - 1));
    timer.unref();
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}

/** Why a client whose token expired is disconnected (issue 12, README "Device authentication"). */
export const TOKEN_EXPIRED = 'its authentication token expired';
