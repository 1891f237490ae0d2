import { z } from 'zod';
import { caseInsensitiveEnum, clientNameSchema, exclusive, isoTimestampSchema, jsonValue, maxChars, parseIsoTimestamp, uint32, userPropertiesSchema, utf8String } from '../common.ts';
import { topicFilterSchema, topicNameSchema } from '../topics.ts';

/**
 * MQ API messaging (seed 003 names the actions; DESIGN §4): publishMessagesToMq,
 * getMessagesFromMqApiSession and getMessagesFromMqTopic. Limits in the style of the seeds.
 */

/** Most messages one publishMessagesToMq carries. */
export const MAX_MESSAGES_PER_PUBLISH = 1000;
/** Most messages one get action returns. */
export const MAX_MESSAGES_PER_GET = 10000;

/**
 * How a payload is turned into bytes (requests) or bytes into a payload (responses):
 * `utf8` a string's UTF-8 bytes; `json` the JSON text of any JSON value; `base64` / `hex` binary
 * written as a string; `byteArray` an array of byte values 0–255 (FairCom's third binary format).
 * Requests default to `utf8` for a string payload and `json` for any other, and take any letter
 * case (FairCom writes "JSON").
 */
export const payloadFormats = ['utf8', 'json', 'base64', 'hex', 'byteArray'] as const;
export type PayloadFormat = (typeof payloadFormats)[number];

export const payloadFormatSchema = caseInsensitiveEnum(payloadFormats);

/**
 * FairCom's `mqttPayloadType` spelling (its "Typical" publish example) as an alias of
 * binaryFormat: the text types are payload encodings; the others describe a payload's content,
 * which mqdash does not convert, so they are refused with the binaryFormat to use instead.
 */
export const mqttPayloadTypeAsFormat: Record<string, PayloadFormat | null> = {
  utf8: 'utf8', json: 'json', xml: 'utf8', binary: null, jpeg: null, siemensudt: null, variantobject: null,
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Why `payload` cannot be read as `binaryFormat`, or null when it can. */
export function payloadProblem(payload: unknown, binaryFormat: PayloadFormat | undefined): string | null {
  const format = binaryFormat ?? (typeof payload === 'string' ? 'utf8' : 'json');
  if (format === 'json') return null;
  if (format === 'byteArray') {
    if (!Array.isArray(payload)) return `must be an array of byte values when binaryFormat is "byteArray", got ${payload === null ? 'null' : typeof payload}`;
    return payload.every((b) => Number.isInteger(b) && (b as number) >= 0 && (b as number) <= 255) ? null : 'is not an array of byte values (integers 0 to 255)';
  }
  if (typeof payload !== 'string')
    return `must be a string when binaryFormat is "${format}", got ${Array.isArray(payload) ? 'array' : payload === null ? 'null' : typeof payload}`;
  if (format === 'base64' && !BASE64.test(payload)) return 'is not valid base64 (RFC 4648 alphabet with padding)';
  if (format === 'hex' && !HEX.test(payload)) return 'is not valid hex (an even number of 0-9, a-f)';
  return null;
}

/**
 * The format a message's payload is read in: `binaryFormat`, else the alias `mqttPayloadType`,
 * else utf8 for a string and json for anything else. Null when mqttPayloadType names content mqdash
 * cannot encode.
 */
export function requestPayloadFormat(m: { payload?: unknown; binaryFormat?: PayloadFormat; mqttPayloadType?: string }): PayloadFormat | null {
  if (m.binaryFormat) return m.binaryFormat;
  if (m.mqttPayloadType !== undefined) return mqttPayloadTypeAsFormat[m.mqttPayloadType.toLowerCase()] ?? null;
  return typeof m.payload === 'string' ? 'utf8' : 'json';
}

export const publishMessageSchema = z.object({
  /**
   * A topic name (no wildcards [MQTT-3.3.2-2]). mqdash extension: overrides params.topic (FairCom's
   * form, one topic for every message); one of the two is required.
   */
  topic: topicNameSchema.optional(),
  /** Any JSON value; `binaryFormat` says how it becomes the message's bytes. */
  payload: z.json().optional(),
  binaryFormat: payloadFormatSchema.optional(),
  /** FairCom's older spelling of binaryFormat (issue 9: older spellings are aliases). */
  mqttPayloadType: maxChars(64).optional(),
  qos: z.int().min(0).max(2).default(1),
  retain: z.boolean().default(false),
  /** MQTT 5 Content Type. */
  contentType: utf8String(0, 65535).optional(),
  /** MQTT 5 Correlation Data: any JSON value up to 65,500 bytes; a string as its UTF-8 bytes, else its JSON text. */
  correlationData: jsonValue(65500).optional(),
  /** MQTT 5 Message Expiry Interval in seconds; 0 or omitted: the message does not expire. */
  expirySeconds: uint32.optional(),
  /** MQTT 5 Response Topic: a topic name [MQTT-3.3.2-14]. */
  responseTopic: topicNameSchema.optional(),
  userProperties: userPropertiesSchema.optional(),
  /**
   * MQTT 5 Payload Format Indicator, spelt as seed 002's willPayloadFormatIndicator. Omitted: "utf8"
   * when the payload is utf8 or json text (FairCom sets it to 1 then), else "none".
   */
  payloadFormatIndicator: z.enum(['none', 'utf8']).optional(),
}).superRefine((m, ctx) => {
  if (m.payload === undefined) {
    ctx.addIssue({ code: 'custom', path: ['payload'], params: { errorCode: 'missingProperty' }, message: 'is required (any JSON value)' });
    return;
  }
  if (m.binaryFormat !== undefined && m.mqttPayloadType !== undefined && requestPayloadFormat({ mqttPayloadType: m.mqttPayloadType }) !== m.binaryFormat) {
    ctx.addIssue({ code: 'custom', path: ['mqttPayloadType'], params: { errorCode: 'mutuallyExclusive' },
      message: `"binaryFormat" and its older spelling "mqttPayloadType" disagree: give only binaryFormat` });
    return;
  }
  const format = requestPayloadFormat(m);
  if (format === null) {
    ctx.addIssue({ code: 'custom', path: ['mqttPayloadType'], params: { errorCode: 'notSupported' },
      message: `"${m.mqttPayloadType}" describes the payload's content, which is not converted here: send the bytes with binaryFormat "hex", "base64" or "byteArray", or text with "utf8" or "json"` });
    return;
  }
  const problem = payloadProblem(m.payload, format);
  if (problem) {
    const wrongType = problem.startsWith('must be');
    ctx.addIssue({ code: 'custom', path: ['payload'], params: { errorCode: wrongType ? 'wrongType' : 'outOfLimits' }, message: problem });
  }
});
export type PublishMessage = z.infer<typeof publishMessageSchema>;

export const publishMessagesToMqParams = z.object({
  /** The session that publishes: an MQ API session or an MQTT session. */
  clientName: clientNameSchema,
  /** FairCom: the topic of every message (a message's own `topic` overrides it). */
  topic: topicNameSchema.optional(),
  messages: z.array(publishMessageSchema).min(1).max(MAX_MESSAGES_PER_PUBLISH),
}).superRefine((p, ctx) => {
  if (p.topic !== undefined) return;
  p.messages.forEach((m, i) => {
    if (m.topic === undefined)
      ctx.addIssue({ code: 'custom', path: ['messages', i, 'topic'], params: { errorCode: 'missingProperty' }, message: 'is required when params.topic is not given (give params.topic for every message, or a topic per message)' });
  });
});
export type PublishMessagesToMqParams = z.infer<typeof publishMessagesToMqParams>;
export interface PublishMessagesToMqResult {
  clientName: string;
  published: number;
}

export const getMessagesFromMqApiSessionParams = z.object({
  /** Must name an MQ API session (seed 003: the action "only works with sessions created by createMqApiSession"). */
  clientName: clientNameSchema,
  maxMessages: z.int().min(1).max(MAX_MESSAGES_PER_GET).default(100),
  /** How payloads are written in the response (default `utf8`; see ReceivedMessage.binaryFormat). */
  binaryFormat: payloadFormatSchema.default('utf8'),
  /**
   * FairCom: only messages of this topic (one of the subscribed ones); the others stay queued.
   * mqdash also takes a topic filter (`sensors/+/t`, or a subscription's own `$share/…` filter).
   */
  topic: topicFilterSchema.optional(),
});
export type GetMessagesFromMqApiSessionParams = z.infer<typeof getMessagesFromMqApiSessionParams>;

/** Where getMessagesFromMqTopic starts, from FairCom's startFrom (or mqdash's startTimestamp / startPosition). */
export type TopicStart = { from: 'head' | 'tail' } | { timestamp: number } | { position: number };

/**
 * FairCom's startFrom: "tail" (default) or "head" in any letter case, an ISO 8601 time (a date
 * alone is its midnight; no zone is UTC), or an integer position (a number, or digits in a string).
 * Null when the value is none of these.
 */
export function parseStartFrom(v: string | number): TopicStart | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? { position: v } : null;
  const word = v.toLowerCase();
  if (word === 'head' || word === 'tail') return { from: word };
  if (/^\d{1,15}$/.test(v)) return { position: Number(v) };
  const t = parseIsoTimestamp(v);
  return Number.isNaN(t) ? null : { timestamp: t };
}

/** FairCom's integration-table form of getMessagesFromMqTopic, which mqdash does not offer. */
const TABLE_PROPERTIES = ['tableName', 'databaseName', 'ownerName'] as const;

export const getMessagesFromMqTopicParams = z.object({
  /** An exact topic name (no wildcards). Required: FairCom's tableName alternative is not offered. */
  topic: topicNameSchema.optional(),
  /** FairCom's integration-table form: refused, naming `topic` as the alternative. */
  tableName: z.unknown().optional(),
  databaseName: z.unknown().optional(),
  ownerName: z.unknown().optional(),
  /**
   * `"tail"` (default): the newest maxMessages messages; `"head"`: from the oldest kept; an ISO
   * 8601 time: from the first message at or after it; an integer: from that position.
   */
  startFrom: z.union([z.int().min(0).max(Number.MAX_SAFE_INTEGER), maxChars(64)]).optional(),
  /** mqdash: messages published at or after this time, oldest first (startFrom takes a time too). */
  startTimestamp: isoTimestampSchema.optional(),
  /** mqdash: messages from this position on (positions count a topic's messages from 1), oldest first. */
  startPosition: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  maxMessages: z.int().min(1).max(MAX_MESSAGES_PER_GET).default(100),
  binaryFormat: payloadFormatSchema.default('utf8'),
}).superRefine((v, ctx) => {
  const table = TABLE_PROPERTIES.find((k) => v[k] !== undefined);
  if (table) {
    ctx.addIssue({ code: 'custom', path: [table], params: { errorCode: 'notSupported' },
      message: 'integration tables are not offered by this server; name the topic to read with "topic" (a topic name, e.g. "plant/line1/temperature")' });
    return;
  }
  if (v.topic === undefined) {
    ctx.addIssue({ code: 'custom', path: ['topic'], params: { errorCode: 'missingProperty' }, message: 'is required (a topic name without wildcards)' });
    return;
  }
  if (v.startFrom !== undefined && parseStartFrom(v.startFrom) === null)
    ctx.addIssue({ code: 'custom', path: ['startFrom'], params: { errorCode: 'outOfLimits' },
      message: 'must be "tail", "head", an ISO 8601 time such as "2024-07-11T21:18:01.000" or "2024-07-11" (no zone: UTC), or a position (an integer of at least 0)' });
  exclusive(ctx, v, 'startFrom', 'startTimestamp');
  exclusive(ctx, v, 'startFrom', 'startPosition');
  exclusive(ctx, v, 'startTimestamp', 'startPosition');
});
export type GetMessagesFromMqTopicParams = z.infer<typeof getMessagesFromMqTopicParams>;

/** One message as the get actions return it; MQTT 5 properties appear only when the message has them. */
export interface ReceivedMessage {
  topic: string;
  /**
   * The payload in the requested binaryFormat. When the bytes cannot be written that way (not
   * UTF-8 for `utf8`, not JSON for `json`) the message says so in its own `binaryFormat`: `utf8`
   * for text that is not JSON, else `base64`. Nothing is ever lost.
   */
  payload: unknown;
  binaryFormat: PayloadFormat;
  qos: number;
  retain: boolean;
  /** When the broker accepted the message (ISO 8601, UTC). */
  timestamp: string;
  /** The session that published it, when known. */
  publisherClientName?: string;
  contentType?: string;
  /** UTF-8 text when the bytes are UTF-8, else base64 (then correlationDataBinaryFormat is "base64"). */
  correlationData?: string;
  correlationDataBinaryFormat?: 'base64';
  /** Topic history: the message's expiry interval; MQ API session: the seconds it has left. */
  expirySeconds?: number;
  responseTopic?: string;
  userProperties?: Array<{ key: string; value: string }>;
  payloadFormatIndicator?: 'none' | 'utf8';
}

export interface GetMessagesFromMqApiSessionResult {
  clientName: string;
  data: ReceivedMessage[];
  /** Messages still queued for the session after this call. */
  remainingMessages: number;
  /** Messages dropped since the previous call: oldest ones over the queue limit, and expired ones. */
  droppedMessages: number;
}

export interface TopicHistoryMessage extends ReceivedMessage {
  /** The message's place in the topic: 1 for the first message ever kept for it, then +1 each. */
  position: number;
}

export interface GetMessagesFromMqTopicResult {
  topic: string;
  data: TopicHistoryMessage[];
  /** Oldest and newest positions kept for the topic (0 when nothing is kept). */
  firstPosition: number;
  lastPosition: number;
  /** Messages kept for the topic (at most the retention limit). */
  storedMessages: number;
  /** Pass as startPosition to continue after the last message returned. */
  nextPosition: number;
  /** More messages follow the last one returned. */
  moreRecords: boolean;
}
