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

/**
 * `{"$b64": …}` objects back to Buffers, in place: what a JSON.parse reviver would do, about three
 * times faster (a reviver calls back for every value; start-up reads 100,000s of these, issue 14).
 * A replaced property is defined, not assigned, so a key named `__proto__` stays a plain property.
 */
function revive(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
    return value;
  }
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === B64 && typeof o[B64] === 'string') return Buffer.from(o[B64], 'base64');
  for (const k of keys) {
    const v = o[k];
    const r = revive(v);
    if (r !== v) Object.defineProperty(o, k, { value: r, writable: true, enumerable: true, configurable: true });
  }
  return o;
}

/** JSON.parse, and Buffers back where toJson wrote them (its key is always written as `"$b64"`). */
const parse = (text: string): unknown => (text.includes(`"${B64}"`) ? revive(JSON.parse(text)) : JSON.parse(text));

/** JSON with Buffers kept (null for undefined). */
export function toJson(value: unknown): string | null {
  if (value === undefined) return null;
  return JSON.stringify(value, replacer);
}

export function fromJson<T = unknown>(text: string | null | undefined): T | undefined {
  if (text === null || text === undefined) return undefined;
  return parse(text) as T;
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
  const p = parse(row.meta) as AnyPacket;
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
