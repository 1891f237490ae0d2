/**
 * Turns a session's stored will settings (seed 002 `will*` properties) into an MQTT will packet,
 * and an MQTT CONNECT's will into those settings.
 */
export interface WillSettings {
  willTopic?: string;
  willPayload?: unknown;
  willRetain?: boolean;
  willQoS?: number;
  willContentType?: string;
  willCorrelationData?: unknown;
  willPayloadFormatIndicator?: 'none' | 'utf8';
  willExpirySeconds?: number;
  willDelaySeconds?: number;
  willResponseTopic?: string;
  willUserProperties?: Array<{ key: string; value: string }>;
}

export interface WillPacket {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  properties?: Record<string, unknown>;
}

/** A JSON will payload: strings are sent as their UTF-8 text, anything else as its JSON text. */
const payloadBuffer = (p: unknown): Buffer => Buffer.from(typeof p === 'string' ? p : JSON.stringify(p ?? ''), 'utf8');

export function willPacket(s: WillSettings, protocolVersion: number): WillPacket | undefined {
  if (!s.willTopic) return undefined;
  const will: WillPacket = {
    topic: s.willTopic,
    payload: payloadBuffer(s.willPayload),
    // [seed 002] "willQoS is reserved. The server sets it to 2."
    qos: 2,
    retain: s.willRetain ?? false,
  };
  if (protocolVersion === 5) {
    const p: Record<string, unknown> = {};
    if (s.willDelaySeconds) p.willDelayInterval = s.willDelaySeconds;
    if (s.willExpirySeconds) p.messageExpiryInterval = s.willExpirySeconds;
    if (s.willContentType) p.contentType = s.willContentType;
    if (s.willResponseTopic) p.responseTopic = s.willResponseTopic;
    if (s.willCorrelationData !== undefined && s.willCorrelationData !== '') p.correlationData = payloadBuffer(s.willCorrelationData);
    if (s.willPayloadFormatIndicator === 'utf8') p.payloadFormatIndicator = true;
    if (s.willUserProperties?.length) {
      const up: Record<string, string | string[]> = {};
      for (const { key, value } of s.willUserProperties) {
        const prev = up[key];
        up[key] = prev === undefined ? value : ([] as string[]).concat(prev, value);
      }
      p.userProperties = up;
    }
    if (Object.keys(p).length) will.properties = p;
  }
  return will;
}

const userPropsToList = (up: unknown): Array<{ key: string; value: string }> => {
  if (!up || typeof up !== 'object') return [];
  const out: Array<{ key: string; value: string }> = [];
  for (const [key, v] of Object.entries(up as Record<string, unknown>))
    for (const value of Array.isArray(v) ? v : [v]) out.push({ key, value: String(value) });
  return out;
};

/** The will settings an MQTT CONNECT carries, for the session record. */
export function willSettingsFromConnect(will: any): WillSettings {
  if (!will) return { willTopic: '' };
  const payload: Buffer = will.payload ?? Buffer.alloc(0);
  const p = will.properties ?? {};
  const text = payload.toString('utf8');
  return {
    willTopic: will.topic,
    willPayload: Buffer.from(text, 'utf8').equals(payload) ? text : payload.toString('base64'),
    willRetain: !!will.retain,
    willQoS: 2,
    willContentType: p.contentType ?? '',
    willCorrelationData: p.correlationData ? p.correlationData.toString('utf8') : '',
    willPayloadFormatIndicator: p.payloadFormatIndicator ? 'utf8' : 'none',
    willExpirySeconds: p.messageExpiryInterval ?? 0,
    willDelaySeconds: p.willDelayInterval ?? 0,
    willResponseTopic: p.responseTopic ?? '',
    willUserProperties: userPropsToList(p.userProperties),
  };
}

export { userPropsToList };
