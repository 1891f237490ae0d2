/**
 * Packets in SQLite rows: topic as TEXT, payload as a BLOB (TEXT when aedes was handed a string),
 * everything else as JSON with Buffers (MQTT 5 correlation data, authentication data) encoded as
 * `{"$b64": "…"}`.
 */

/** A packet as aedes hands it to the persistence: a PUBLISH, a PUBREL, a will. */
export type AnyPacket = Record<string, unknown> & {
  cmd?: string;
  topic?: string;
  payload?: Buffer | string;
  qos?: number;
  retain?: boolean;
  dup?: boolean;
  messageId?: number;
  brokerId?: string;
  brokerCounter?: number;
  properties?: Record<string, unknown>;
  messageExpiry?: number;
  clientId?: string;
};

const B64 = '$b64';

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Uint8Array) return { [B64]: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (typeof v[B64] === 'string' && Object.keys(v).length === 1) return Buffer.from(v[B64], 'base64');
  }
  return value;
}

/** JSON with Buffers kept (null for undefined). */
export function toJson(value: unknown): string | null {
  if (value === undefined) return null;
  return JSON.stringify(value, replacer);
}

export function fromJson<T = unknown>(text: string | null | undefined): T | undefined {
  if (text === null || text === undefined) return undefined;
  // Without an encoded Buffer (toJson writes its key as `"$b64"`) no reviver is needed: several times faster (start-up, issue 14).
  return (text.includes(`"${B64}"`) ? JSON.parse(text, reviver) : JSON.parse(text)) as T;
}

export interface PacketRow {
  topic: string | null;
  payload: Buffer | string | null;
  meta: string;
}

/** A packet as a row: `omit` names fields kept in columns of their own (e.g. messageId). */
export function encodePacket(p: AnyPacket, omit?: string): PacketRow {
  const meta: Record<string, unknown> = {};
  for (const k of Object.keys(p)) {
    if (k === 'topic' || k === 'payload' || k === omit) continue;
    const v = p[k];
    if (v !== undefined && typeof v !== 'function') meta[k] = v;
  }
  // Only MQTT 5 properties (and wills) hold Buffers: the replacer is slow, skip it when it is not needed.
  const meta$ = p.properties === undefined ? JSON.stringify(meta) : JSON.stringify(meta, replacer);
  return { topic: p.topic ?? null, payload: p.payload ?? null, meta: meta$ };
}

export function decodePacket(row: PacketRow): AnyPacket {
  const p = JSON.parse(row.meta, reviver) as AnyPacket;
  if (row.topic !== null) p.topic = row.topic;
  if (row.payload !== null) p.payload = row.payload;
  return p;
}

/**
 * The copy the in-memory reference persistence keeps of a queued packet (`new Packet(packet)` of
 * aedes-packet without a broker): the same fields, so aedes sees the same shapes from both.
 */
export function queuedCopy(o: AnyPacket): AnyPacket {
  const p: AnyPacket = {};
  if (Object.hasOwn(o, 'clientId')) p.clientId = o.clientId;
  if (Object.hasOwn(o, 'nl')) p.nl = o.nl;
  if (Object.hasOwn(o, 'properties')) p.properties = o.properties;
  if (Object.hasOwn(o, 'messageExpiry')) p.messageExpiry = o.messageExpiry;
  p.cmd = o.cmd || 'publish';
  p.brokerId = o.brokerId;
  p.brokerCounter = o.brokerCounter || 0;
  p.topic = o.topic;
  p.payload = o.payload || Buffer.alloc(0);
  p.qos = o.qos || 0;
  p.retain = o.retain || false;
  p.dup = o.dup || false;
  if (p.qos > 0 || p.cmd !== 'publish') p.messageId = undefined;
  return p;
}
