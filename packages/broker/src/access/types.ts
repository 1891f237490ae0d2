import type { ClaimPermissions } from '../engine/broker-engine.ts';

/**
 * The MQTT-side access decisions (issue 12) behind one small interface, so that any engine can ask
 * them: the aedes wrapper (engine/engine.ts: preConnect, authenticate, authorizePublish,
 * authorizeSubscribe) and the own engine (engine/mqdash EngineHooks authenticate,
 * authorizePublish, authorizeSubscribe) call the same three checks. Nothing here knows aedes.
 */

/** What a CONNECT says about the client before it is authenticated. */
export interface ConnectFacts {
  clientId: string;
  /** The CONNECT's user name (not yet verified), null when none. */
  username: string | null;
  /** The peer's address as sessions record it (IPv4-mapped IPv6 as IPv4), null when unknown. */
  remoteAddress: string | null;
}

/** Who a connection is, once it is authenticated. */
export interface ConnectionIdentity {
  clientId: string;
  username: string | null;
  /** The MQTT account it authenticated as; null: anonymous (or user names not checked). */
  account: string | null;
  /** Topic permissions of the client's token (JWT `acl` claim), evaluated before the stored rules. */
  permissions?: ClaimPermissions;
}

/**
 * One connection's handle: the engine keeps it with the connection (a symbol on the aedes client,
 * a field of the own engine's Connection) and passes it to every check. It holds the connection's
 * decision cache, dropped when the rules change.
 */
export interface AccessConnection {
  readonly identity: ConnectionIdentity;
  /** Decisions by operation and topic: null allowed, a string the reason of a denial. */
  readonly cache: Map<string, string | null>;
  /** The rules' generation the cache was filled under. */
  generation: number;
}

/** A CONNECT refused by the client-id binding: 0x85 Client Identifier not valid or 0x87 Not authorized. */
export interface IdentityRefusal {
  reasonCode: 0x85 | 0x87;
  reason: string;
}

/**
 * The checks. Each returns null when allowed, or the reason of the refusal (for logs, the
 * MQTT 5 Reason String and the session's detail); denials are counted per session by the module.
 * - checkConnect: a ban → CONNACK 0x8A Banned (MQTT 3.1.1: return code 5).
 * - checkPublish: denied → MQTT 5 PUBACK/PUBREC 0x87 for QoS 1/2, a QoS 0 message dropped.
 * - checkSubscribe: denied → SUBACK 0x87 (MQTT 3.1.1: 0x80) for that filter.
 */
export interface AccessHooks {
  checkConnect(facts: ConnectFacts): string | null;
  /**
   * Once the client is authenticated, before it takes a session over: the client-id binding
   * (whether this client id belongs to this user name). MQTT 3.1.1 gets return code 2 for 0x85, 5 for 0x87.
   */
  checkIdentity(identity: ConnectionIdentity): IdentityRefusal | null;
  /** Called once the client is authenticated; the handle goes to checkPublish and checkSubscribe. */
  openConnection(identity: ConnectionIdentity): AccessConnection;
  checkPublish(conn: AccessConnection, topic: string): string | null;
  checkSubscribe(conn: AccessConnection, topicFilter: string): string | null;
}

/** The default: nothing banned, everything allowed (engines built without access control, tests). */
export const allowEverything: AccessHooks = {
  checkConnect: () => null,
  checkIdentity: () => null,
  openConnection: (identity) => ({ identity, cache: new Map(), generation: 0 }),
  checkPublish: () => null,
  checkSubscribe: () => null,
};
