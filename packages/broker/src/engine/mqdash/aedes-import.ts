/**
 * Upgrade in place (issue 10): the first time the own engine's SQLite store opens a data folder
 * written by the aedes build, that build's protocol state (`mqtt_*` tables,
 * persistence/sqlite-persistence.ts) is copied into the engine's tables in one transaction:
 * subscriptions with their options, queued and in-flight messages, retained messages and wills.
 * A row in `mqdash_imports` records it, so a second open imports nothing (idempotent). The
 * `mqtt_*` tables are left as they were (a downgrade still finds them).
 *
 * aedes adds subscription identifiers at delivery, so a queued message gets those of the session's
 * subscriptions that match its topic. Messages aedes had accepted but not yet routed (incoming QoS 2
 * PUBLISHes awaiting PUBREL, write-ahead entries left by a crash) are routed here, as the engine
 * routes at PUBLISH: into the queues of the matching imported sessions (and the retained store);
 * the QoS 2 packet identifiers stay with their sessions, so the PUBREL still gets its PUBCOMP.
 */
import type Database from 'better-sqlite3';
import type { IPublishPacket, QoS } from 'mqtt-packet';
import { decodePacket, toJson, type AnyPacket, type PacketRow } from '../../persistence/packet-codec.ts';
import { RETAINED_AT, RETAINED_BY, RETAINED_BY_USER } from '../../persistence/retained-messages.ts';
import type { InFlightState, SessionMeta, StoredMessage } from './persistence.ts';
import { Router } from './router.ts';
import type { OutgoingMessage } from './session.ts';
import { encodeOutgoing } from './message-codec.ts';
import { parseFilter } from './topics.ts';
import { UNLIMITED_EXPIRY, type EngineMessage, type MessageProperties, type Subscription } from './types.ts';
import type { PendingWill } from './will.ts';

export const AEDES_SOURCE = 'aedes-mqtt-tables';

export interface ImportCounts {
  sessions: number;
  subscriptions: number;
  queued: number;
  inFlight: number;
  retained: number;
  wills: number;
  /** Accepted by aedes but not yet routed (incoming QoS 2, write-ahead entries): routed at the import. */
  routed: number;
  /** Rows that could not be carried over (invalid filters, QoS 0 queue rows, expired messages). */
  skipped: number;
}

type SessionRows = SessionMeta & { messages: Array<StoredMessage & Partial<Pick<InFlightState, 'packetId' | 'state'>>> };

const tableExists = (db: Database.Database, name: string): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

const asBuffer = (payload: AnyPacket['payload']): Buffer => (payload === undefined ? Buffer.alloc(0) : Buffer.isBuffer(payload) ? payload : Buffer.from(payload));

/** An aedes packet (a stored PUBLISH, a will) as the engine's message. */
function messageOf(packet: AnyPacket, origin?: string): EngineMessage {
  const { topicAlias: _alias, subscriptionIdentifier: _ids, messageExpiryInterval: _expiry, willDelayInterval: _delay, ...properties } =
    (packet.properties ?? {}) as NonNullable<IPublishPacket['properties']> & { willDelayInterval?: number };
  const message: EngineMessage = {
    topic: packet.topic ?? '',
    payload: asBuffer(packet.payload),
    qos: (packet.qos ?? 0) as QoS,
    retain: packet.retain === true,
    properties: properties as MessageProperties,
  };
  if (origin !== undefined) message.origin = origin;
  return message;
}

/** A stored packet; a row that cannot be read stops the import with an error naming it. */
function decode(table: string, key: string, row: PacketRow): AnyPacket {
  try {
    return decodePacket(row);
  } catch (error) {
    throw new Error(`the import of the aedes build's state cannot read ${table} row ${JSON.stringify(key)}: ${(error as Error).message}`, { cause: error });
  }
}

function outgoingOf(packet: AnyPacket): OutgoingMessage {
  const ids = (packet.properties as { subscriptionIdentifier?: number | number[] } | undefined)?.subscriptionIdentifier;
  return { message: messageOf(packet), qos: (packet.qos ?? 0) as QoS, retain: packet.retain === true, subscriptionIds: ids === undefined ? [] : [ids].flat() };
}

/** The identifiers of the session's subscriptions that match each of its messages (MQTT 5 §3.3.4). */
function addSubscriptionIds(target: SessionRows): void {
  if (!target.subscriptions.some((subscription) => subscription.subscriptionId !== undefined)) return;
  const router = new Router();
  for (const subscription of target.subscriptions) router.add(subscription);
  for (const { outgoing, state } of target.messages) {
    if (state === 'pubrel') continue;
    outgoing.subscriptionIds = router.route({ ...outgoing.message, origin: undefined }, () => true).flatMap((delivery) => delivery.subscriptionIds);
  }
}

/** Imports the aedes build's state once; returns what it imported, or undefined when there was nothing to do. */
export function importAedesState(db: Database.Database): ImportCounts | undefined {
  if (!tableExists(db, 'mqtt_subscriptions')) return undefined; // not a folder of the aedes build
  if (db.prepare('SELECT 1 FROM mqdash_imports WHERE source = ?').get(AEDES_SOURCE)) return undefined;
  return db.transaction(() => {
    const counts = read(db);
    db.prepare('INSERT INTO mqdash_imports (source, imported_at, counts) VALUES (?, ?, ?)').run(AEDES_SOURCE, Date.now(), JSON.stringify(counts));
    return counts;
  })();
}

function read(db: Database.Database): ImportCounts {
  const counts: ImportCounts = { sessions: 0, subscriptions: 0, queued: 0, inFlight: 0, retained: 0, wills: 0, routed: 0, skipped: 0 };
  const now = Date.now();
  const sessions = new Map<string, SessionRows>();
  // aedes keeps a persistent session until a clean connect: it never expires
  const session = (clientId: string, expiryInterval = UNLIMITED_EXPIRY): SessionRows => {
    let found = sessions.get(clientId);
    if (!found) {
      found = { clientId, expiryInterval, disconnectedAt: now, subscriptions: [], incomingQos2: [], messages: [] };
      sessions.set(clientId, found);
    }
    return found;
  };

  type SubscriptionRow = { client_id: string; topic: string; qos: number; rh: number | null; rap: number | null; nl: number | null; subscription_identifier: number | null };
  for (const row of db.prepare('SELECT * FROM mqtt_subscriptions ORDER BY client_id, topic').all() as SubscriptionRow[]) {
    const parsed = parseFilter(row.topic);
    if (!parsed) {
      counts.skipped++;
      continue;
    }
    const subscription: Subscription = {
      clientId: row.client_id,
      filter: row.topic,
      topicFilter: parsed.topicFilter,
      qos: Math.min(2, Math.max(0, row.qos)) as QoS,
      noLocal: row.nl === 1,
      retainAsPublished: row.rap === 1,
      retainHandling: (row.rh === 1 || row.rh === 2 ? row.rh : 0) as 0 | 1 | 2,
    };
    if (parsed.group !== undefined) subscription.group = parsed.group;
    if (row.subscription_identifier !== null) subscription.subscriptionId = row.subscription_identifier;
    session(row.client_id).subscriptions.push(subscription);
    counts.subscriptions++;
  }

  for (const row of db.prepare('SELECT seq, client_id, topic, payload, message_id, meta FROM mqtt_outgoing ORDER BY seq').all() as Array<PacketRow & { seq: number; client_id: string; message_id: number | null }>) {
    const packet = decode('mqtt_outgoing', String(row.seq), row);
    const target = session(row.client_id);
    const seq = target.messages.length + 1;
    if (packet.cmd === 'pubrel' && row.message_id !== null) {
      // the QoS 2 delivery has reached PUBREL: only its packet identifier matters now
      const outgoing: OutgoingMessage = { message: messageOf({ qos: 2 }), qos: 2, retain: false, subscriptionIds: [] };
      target.messages.push({ seq, outgoing, packetId: row.message_id, state: 'pubrel' });
      counts.inFlight++;
    } else if (packet.cmd === 'publish' || packet.cmd === undefined) {
      const outgoing = outgoingOf(packet);
      if (outgoing.qos === 0) {
        counts.skipped++;
        continue;
      }
      if (row.message_id === null) counts.queued++;
      else counts.inFlight++;
      target.messages.push(row.message_id === null ? { seq, outgoing } : { seq, outgoing, packetId: row.message_id, state: 'publish' });
    } else counts.skipped++;
  }

  for (const row of db.prepare('SELECT client_id, topic, payload, meta FROM mqtt_wills').all() as Array<PacketRow & { client_id: string }>) {
    const packet = decode('mqtt_wills', row.client_id, row);
    const properties = (packet.properties ?? {}) as { willDelayInterval?: number; messageExpiryInterval?: number };
    const will: PendingWill = { message: messageOf(packet, row.client_id), delaySeconds: properties.willDelayInterval ?? 0 };
    if (properties.messageExpiryInterval !== undefined) will.expirySeconds = properties.messageExpiryInterval;
    // a will without a persistent session: a session that ends at start, publishing its will
    session(row.client_id, sessions.has(row.client_id) ? UNLIMITED_EXPIRY : 0).will = will;
    counts.wills++;
  }

  for (const target of sessions.values()) addSubscriptionIds(target);
  const lateRetained = routeUnrouted(db, sessions, counts, now);

  const putMeta = db.prepare('INSERT OR REPLACE INTO mqdash_sessions (client_id, state) VALUES (?, ?)');
  const putMessage = db.prepare('INSERT OR REPLACE INTO mqdash_messages (client_id, seq, packet_id, flight, payload, meta) VALUES (?, ?, ?, ?, ?, ?)');
  for (const { messages, ...meta } of sessions.values()) {
    putMeta.run(meta.clientId, toJson(meta));
    for (const message of messages) {
      const { payload, meta: json } = encodeOutgoing(message.outgoing);
      putMessage.run(meta.clientId, message.seq, message.packetId ?? null, message.state ?? null, payload, json);
    }
    counts.sessions++;
  }

  const putRetained = db.prepare('INSERT OR IGNORE INTO mqdash_retained (topic, message) VALUES (?, ?)');
  for (const row of db.prepare('SELECT topic, payload, meta FROM mqtt_retained').all() as Array<PacketRow & { topic: string }>) {
    const packet = decode('mqtt_retained', row.topic, row);
    // when and by whom it was stored go on with it (the console's retained messages)
    const [at, by, byUser] = [packet[RETAINED_AT], packet[RETAINED_BY], packet[RETAINED_BY_USER]];
    for (const key of [RETAINED_AT, RETAINED_BY, RETAINED_BY_USER]) delete packet[key];
    const message = messageOf(packet);
    if (message.payload.length === 0) continue;
    message.retain = true;
    if (typeof at === 'number') message.storedAt = at;
    if (typeof by === 'string') message.origin = by;
    if (typeof byUser === 'string') message.publisherUsername = byUser;
    putRetained.run(row.topic, toJson(message));
    counts.retained++;
  }
  // newer than the stored retained messages: they replace them (an empty payload clears) [MQTT-3.3.1-5]
  const replaceRetained = db.prepare('INSERT OR REPLACE INTO mqdash_retained (topic, message) VALUES (?, ?)');
  const clearRetained = db.prepare('DELETE FROM mqdash_retained WHERE topic = ?');
  for (const message of lateRetained) {
    if (message.payload.length === 0) clearRetained.run(message.topic);
    else replaceRetained.run(message.topic, toJson(message));
  }
  return counts;
}

/**
 * Routes what aedes accepted and had not routed yet, oldest first: write-ahead entries (acknowledged
 * before a crash) and incoming QoS 2 PUBLISHes (PUBREC sent, PUBREL awaited). Every imported session
 * is offline, so QoS 1/2 deliveries join the queues. Returns the retained ones.
 */
function routeUnrouted(db: Database.Database, sessions: Map<string, SessionRows>, counts: ImportCounts, now: number): EngineMessage[] {
  const unrouted: EngineMessage[] = [];
  if (tableExists(db, 'mqtt_write_ahead')) {
    type WalRow = { id: number; client_id: string; received_at: number; topic: string; payload: Buffer; qos: number; retain: number; properties: string | null };
    for (const row of db.prepare('SELECT * FROM mqtt_write_ahead ORDER BY id').all() as WalRow[]) {
      const properties = decode('mqtt_write_ahead', String(row.id), { topic: null, payload: null, meta: row.properties ?? '{}' });
      const message = messageOf({ topic: row.topic, payload: row.payload, qos: row.qos, retain: row.retain === 1, properties }, row.client_id);
      const expiry = (properties as { messageExpiryInterval?: number }).messageExpiryInterval;
      if (expiry !== undefined) message.expiresAt = row.received_at + expiry * 1000;
      unrouted.push(message);
    }
  }
  for (const row of db.prepare('SELECT client_id, message_id, topic, payload, meta FROM mqtt_incoming').all() as Array<PacketRow & { client_id: string; message_id: number }>) {
    const packet = decode('mqtt_incoming', `${row.client_id}/${row.message_id}`, row);
    sessions.get(row.client_id)?.incomingQos2.push(row.message_id);
    unrouted.push(messageOf(packet, row.client_id));
  }
  const router = new Router();
  for (const target of sessions.values()) for (const subscription of target.subscriptions) router.add(subscription);
  const retained: EngineMessage[] = [];
  for (const message of unrouted) {
    if (message.expiresAt !== undefined && message.expiresAt <= now) {
      counts.skipped++; // expired while the broker was down [MQTT-3.3.2-5]
      continue;
    }
    if (message.retain) retained.push(message);
    for (const delivery of router.route(message, () => false)) {
      if (delivery.qos === 0) continue; // not queued for an offline session
      const target = sessions.get(delivery.clientId)!;
      target.messages.push({ seq: target.messages.length + 1, outgoing: { message, qos: delivery.qos, retain: delivery.retain, subscriptionIds: delivery.subscriptionIds } });
    }
    counts.routed++;
  }
  return retained;
}
