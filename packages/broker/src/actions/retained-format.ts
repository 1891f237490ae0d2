import type { RetainedMessageDetail, RetainedMessageSummary, PayloadFormat } from '@mqdash/contracts';
import { isUtf8 } from 'node:buffer';
import { formatPayload, userPropsToList } from '../messaging/payload.ts';
import type { RetainedMessage, RetainedMessages } from '../persistence/retained-messages.ts';
import { ActionError, type ActionContext } from './types.ts';

/** The broker's retained messages, or notSupported when its MQTT state has no retained index (durable: false). */
export function retainedOf(ctx: ActionContext): RetainedMessages {
  const r = ctx.core.retained;
  if (!r) throw new ActionError('notSupported', 'this broker keeps its MQTT state in memory (durable: false), where retained messages cannot be listed or deleted');
  return r;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toSummary(m: RetainedMessage): RetainedMessageSummary {
  const s: RetainedMessageSummary = { topic: m.topic, qos: m.qos, payloadSize: m.payload.length, storedDateTime: iso(m.storedAt) };
  if (m.expiresAt !== undefined) s.expiryDateTime = iso(m.expiresAt);
  if (m.publisherClientName !== undefined) s.publisherClientName = m.publisherClientName;
  if (m.publisherUsername !== undefined) s.publisherUsername = m.publisherUsername;
  if (m.properties?.contentType !== undefined) s.contentType = m.properties.contentType;
  return s;
}

export function toDetail(m: RetainedMessage, format: PayloadFormat, now: number): RetainedMessageDetail {
  const d: RetainedMessageDetail = { ...toSummary(m), ...formatPayload(m.payload, format) };
  if (m.expiresAt !== undefined) d.expirySeconds = Math.max(0, Math.ceil((m.expiresAt - now) / 1000));
  const p = m.properties;
  if (!p) return d;
  if (p.messageExpiryInterval !== undefined) d.messageExpiryInterval = p.messageExpiryInterval;
  if (p.correlationData !== undefined) {
    const bytes = Buffer.from(p.correlationData);
    if (isUtf8(bytes)) d.correlationData = bytes.toString('utf8');
    else {
      d.correlationData = bytes.toString('base64');
      d.correlationDataBinaryFormat = 'base64';
    }
  }
  if (p.responseTopic !== undefined) d.responseTopic = p.responseTopic;
  if (p.userProperties !== undefined) d.userProperties = userPropsToList(p.userProperties);
  if (p.payloadFormatIndicator !== undefined) d.payloadFormatIndicator = p.payloadFormatIndicator ? 'utf8' : 'none';
  return d;
}
