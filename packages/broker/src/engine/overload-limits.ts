import { z } from 'zod';

const count = z.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 (no limit) or more');

/**
 * The own engine's overload limits (issue 10; BrokerOptions.mqtt.limits, env MQTT_MAX_* in the
 * README). Every one is 0 for no limit. The aedes engine does not apply them.
 */
export const overloadLimitsSchema = z.object({
  /** Connected clients at most; beyond it CONNACK 0x89 Server busy. */
  maxConnections: count.optional(),
  /** New CONNECTs per second, broker-wide; beyond it CONNACK 0x9F Connection rate exceeded. */
  maxConnectRate: count.optional(),
  /** PUBLISHes per second per client; beyond it DISCONNECT 0x96 Message rate too high. */
  maxPublishRate: count.optional(),
  /** Payload bytes per second per client; beyond it DISCONNECT 0x97 Quota exceeded. */
  maxPublishBytesRate: count.optional(),
  /** Subscriptions per session; beyond it SUBACK 0x97 Quota exceeded. */
  maxSubscriptionsPerClient: count.optional(),
  /** Payload bytes queued per session; beyond it the oldest queued messages are dropped. */
  maxQueuedBytes: count.optional(),
}).strict();

export type OverloadLimits = z.infer<typeof overloadLimitsSchema>;

/** Validates `mqtt.limits`; the error names the property and the problem. */
export function parseOverloadLimits(value: unknown): OverloadLimits {
  const parsed = overloadLimitsSchema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? `mqtt.limits.${issue.path.join('.')}` : 'mqtt.limits';
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  throw new Error(`${where}: ${issue.message}${keys}`);
}
