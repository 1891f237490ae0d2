import express from 'express';
import { publishAsBroker, type ApiMessage, type Broker } from '@mqdash/broker';
import {
  emqxPublishBody, emqxPublishBulkBody, topicNameProblem, type EmqxPublishBody, type EmqxPublishResult,
} from '@mqdash/contracts';
import { parseWith } from './errors.ts';

/** EMQX 5's MQTT reason codes in its publish answers. */
const RC = { noMatchingSubscribers: 16, implementationSpecific: 131, topicNameInvalid: 144, quotaExceeded: 151 } as const;

type Prepared = { message: ApiMessage } | { refusal: { reason_code: number; message: string } };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * One message of the body as the broker publishes it, or EMQX's 400 answer for it: an invalid
 * topic name (reason 144 topic_name_invalid; `$SYS/` is the admin feed's), a payload that is not
 * base64 when it says so (131), a message over the broker's maximum packet size (151 packet_too_large).
 */
function prepare(b: EmqxPublishBody, maxPacketBytes: number): Prepared {
  const refuse = (reason_code: number, message: string): Prepared => ({ refusal: { reason_code, message } });
  if (topicNameProblem(b.topic) || b.topic.startsWith('$SYS')) return refuse(RC.topicNameInvalid, 'topic_name_invalid');
  const p = b.properties ?? {};
  if (p.response_topic !== undefined && topicNameProblem(p.response_topic)) return refuse(RC.topicNameInvalid, 'topic_name_invalid');
  if (b.payload_encoding === 'base64' && !BASE64.test(b.payload)) return refuse(RC.implementationSpecific, 'decode_base64_payload_failed');
  const payload = Buffer.from(b.payload, b.payload_encoding === 'base64' ? 'base64' : 'utf8');
  if (payload.length + Buffer.byteLength(b.topic) > maxPacketBytes) return refuse(RC.quotaExceeded, 'packet_too_large');
  const properties: ApiMessage['properties'] = {
    ...(p.payload_format_indicator !== undefined ? { payloadFormatIndicator: p.payload_format_indicator === 1 } : {}),
    ...(p.message_expiry_interval ? { messageExpiryInterval: p.message_expiry_interval } : {}),
    ...(p.response_topic !== undefined ? { responseTopic: p.response_topic } : {}),
    ...(p.correlation_data !== undefined ? { correlationData: Buffer.from(p.correlation_data, 'utf8') } : {}),
    ...(p.user_properties !== undefined ? { userProperties: { ...p.user_properties } } : {}),
    ...(p.content_type !== undefined ? { contentType: p.content_type } : {}),
  };
  return { message: { topic: b.topic, payload, qos: b.qos, retain: b.retain, properties } };
}

/**
 * `POST /api/v5/publish` and `/publish/bulk` (EMQX 5): publishes as the broker itself, to MQTT
 * clients and MQ API sessions alike. One message answers 200 `{id}`, or 202
 * `{reason_code: 16, message: "no_matching_subscribers"}` when nobody subscribes (a retained
 * message is kept all the same). A bulk answers the list of those, 200 when every one was
 * delivered, else 202. Every message is checked before the first is published: any bad one
 * answers 400 and none is published.
 */
export function publishRouter(broker: Broker): express.Router {
  const router = express.Router();
  const maxPacketBytes = () => broker.engine.maximumPacketSize;

  const publishOne = async (m: ApiMessage): Promise<[number, EmqxPublishResult]> => {
    const r = await publishAsBroker(broker.core, m);
    return r.matched ? [200, { id: r.id }] : [202, { reason_code: RC.noMatchingSubscribers, message: 'no_matching_subscribers' }];
  };

  router.post('/', async (req, res) => {
    const p = prepare(parseWith(emqxPublishBody, req.body, 'body'), maxPacketBytes());
    if ('refusal' in p) return void res.status(400).json(p.refusal);
    const [status, body] = await publishOne(p.message);
    res.status(status).json(body);
  });

  router.post('/bulk', async (req, res) => {
    const prepared = parseWith(emqxPublishBulkBody, req.body, 'body').map((b) => prepare(b, maxPacketBytes()));
    const refused = prepared.find((p) => 'refusal' in p);
    if (refused && 'refusal' in refused) return void res.status(400).json(refused.refusal);
    const results: Array<[number, EmqxPublishResult]> = [];
    for (const p of prepared) results.push(await publishOne((p as { message: ApiMessage }).message));
    res.status(results.every(([s]) => s === 200) ? 200 : 202).json(results.map(([, body]) => body));
  });

  return router;
}
