import { isUtf8 } from 'node:buffer';
import type { PayloadFormat, PublishMessage, ReceivedMessage } from '@mqdash/contracts';

/**
 * Payload bytes one getMessagesFromMqApiSession / getMessagesFromMqTopic response carries at most
 * (at least one message, however large); the rest stays queued, or follows from nextPosition.
 */
export const MAX_RESPONSE_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** The MQTT 5 PUBLISH properties mqdash carries, as mqtt-packet spells them. */
export interface MqttProps {
  contentType?: string;
  correlationData?: Buffer;
  messageExpiryInterval?: number;
  responseTopic?: string;
  userProperties?: Record<string, string | string[]>;
  payloadFormatIndicator?: boolean;
}

/** A PUBLISH as aedes hands it to `'publish'` listeners (and as mqdash hands it to aedes.publish). */
export interface PublishPacket {
  cmd: 'publish';
  topic: string;
  payload: Buffer | string;
  qos: number;
  retain: boolean;
  dup?: boolean;
  properties?: MqttProps;
  /** Set on packets mqdash publishes for a session, so MQTT 5 No Local applies to it. */
  clientId?: string;
}

/** A row of the queue or the history, read back from SQLite. */
export interface StoredMessage {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  ts: number;
  publisher: string | null;
  props: string | null;
  expiresAt?: number | null;
}

/** A request's payload as bytes; `payloadProblem` (contracts) has already checked it can be read. */
export function payloadToBytes(payload: unknown, format: PayloadFormat | undefined): Buffer {
  const f = format ?? (typeof payload === 'string' ? 'utf8' : 'json');
  if (f === 'json') return Buffer.from(JSON.stringify(payload) ?? 'null', 'utf8');
  if (f === 'byteArray') return Buffer.from(payload as number[]);
  const s = payload as string;
  return Buffer.from(s, f === 'utf8' ? 'utf8' : f);
}

/** Correlation Data as bytes: a string's UTF-8 bytes, any other JSON value's JSON text (issue 9). */
export const correlationBytes = (v: unknown): Buffer => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v) ?? 'null', 'utf8');

function listToUserProps(list: Array<{ key: string; value: string }>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const { key, value } of list) {
    const have = out[key];
    out[key] = have === undefined ? value : Array.isArray(have) ? [...have, value] : [have, value];
  }
  return out;
}

export function userPropsToList(o: Record<string, unknown>): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [];
  for (const [key, v] of Object.entries(o)) for (const value of Array.isArray(v) ? v : [v]) out.push({ key, value: String(value) });
  return out;
}

/**
 * The PUBLISH for one message of publishMessagesToMq, published as `clientName` on `topic`.
 * A utf8 or json payload carries Payload Format Indicator 1 unless the message says "none"
 * (FairCom: "binaryFormat" utf8 or JSON sets it to 1) [MQTT-3.3.2.3.2].
 */
export function toPacket(m: PublishMessage, topic: string, payload: Buffer, format: PayloadFormat, clientName: string): PublishPacket {
  const props: MqttProps = {};
  if (m.contentType !== undefined) props.contentType = m.contentType;
  if (m.correlationData !== undefined) props.correlationData = correlationBytes(m.correlationData);
  if (m.expirySeconds) props.messageExpiryInterval = m.expirySeconds;
  if (m.responseTopic !== undefined) props.responseTopic = m.responseTopic;
  if (m.userProperties?.length) props.userProperties = listToUserProps(m.userProperties);
  const text = format === 'utf8' || format === 'json';
  if (m.payloadFormatIndicator !== undefined) props.payloadFormatIndicator = m.payloadFormatIndicator === 'utf8';
  else if (text) props.payloadFormatIndicator = true;
  return {
    cmd: 'publish', topic, payload, qos: m.qos, retain: m.retain, dup: false, clientId: clientName,
    ...(Object.keys(props).length ? { properties: props } : {}),
  };
}

/** The properties worth keeping, as JSON text (null when there are none). Called off the hot path. */
export function serializeProps(p: PublishPacket['properties']): string | null {
  if (!p) return null;
  const o: Record<string, unknown> = {};
  if (p.contentType !== undefined) o.contentType = p.contentType;
  if (p.correlationData !== undefined) o.correlationData = Buffer.from(p.correlationData).toString('base64');
  if (p.messageExpiryInterval !== undefined) o.messageExpiryInterval = p.messageExpiryInterval;
  if (p.responseTopic !== undefined) o.responseTopic = p.responseTopic;
  if (p.userProperties !== undefined) o.userProperties = userPropsToList(p.userProperties);
  if (p.payloadFormatIndicator !== undefined) o.payloadFormatIndicator = p.payloadFormatIndicator;
  return Object.keys(o).length ? JSON.stringify(o) : null;
}

export const payloadBytes = (p: Buffer | string): Buffer => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p);

/** Bytes written as `format`; falls back (and says so) when the bytes are not text or not JSON. */
export function formatPayload(buf: Buffer, format: PayloadFormat): { payload: unknown; binaryFormat: PayloadFormat } {
  if (format === 'hex' || format === 'base64') return { payload: buf.toString(format), binaryFormat: format };
  if (format === 'byteArray') return { payload: [...buf], binaryFormat: format };
  if (!isUtf8(buf)) return { payload: buf.toString('base64'), binaryFormat: 'base64' };
  const text = buf.toString('utf8');
  if (format === 'utf8') return { payload: text, binaryFormat: 'utf8' };
  try {
    return { payload: JSON.parse(text), binaryFormat: 'json' };
  } catch {
    return { payload: text, binaryFormat: 'utf8' };
  }
}

/**
 * A stored message as the get actions return it. `remainingExpiry`: MQ API sessions report the
 * seconds a message has left (as MQTT does on delivery); the history reports the interval as given.
 */
export function toReceived(m: StoredMessage, format: PayloadFormat, nowMs: number, remainingExpiry: boolean): ReceivedMessage {
  const out: ReceivedMessage = {
    topic: m.topic, ...formatPayload(m.payload, format), qos: m.qos, retain: m.retain, timestamp: new Date(m.ts).toISOString(),
  };
  if (m.publisher) out.publisherClientName = m.publisher;
  if (m.props) {
    const p = JSON.parse(m.props) as {
      contentType?: string; correlationData?: string; messageExpiryInterval?: number; responseTopic?: string;
      userProperties?: Array<{ key: string; value: string }>; payloadFormatIndicator?: boolean;
    };
    if (p.contentType !== undefined) out.contentType = p.contentType;
    if (p.correlationData !== undefined) {
      const bytes = Buffer.from(p.correlationData, 'base64');
      if (isUtf8(bytes)) out.correlationData = bytes.toString('utf8');
      else {
        out.correlationData = p.correlationData;
        out.correlationDataBinaryFormat = 'base64';
      }
    }
    if (p.messageExpiryInterval !== undefined) {
      out.expirySeconds = remainingExpiry && m.expiresAt
        ? Math.max(1, Math.ceil((m.expiresAt - nowMs) / 1000))
        : p.messageExpiryInterval;
    }
    if (p.responseTopic !== undefined) out.responseTopic = p.responseTopic;
    if (p.userProperties !== undefined) out.userProperties = p.userProperties;
    if (p.payloadFormatIndicator !== undefined) out.payloadFormatIndicator = p.payloadFormatIndicator ? 'utf8' : 'none';
  }
  return out;
}
