import { z } from 'zod';
import {
  clientNameSchema, jsonValue, labelSchema, mqttPayloadTypes, sessionExpiryIntervalSchema,
  sessionStatusSchema, thresholdSchema, uint32, userPropertiesSchema, utf8String,
} from './common.ts';

/**
 * The settable properties that createMqApiSession (seed 003) and alterMqSession (seed 002) share.
 * No defaults here: alterMqSession is a patch, so only given properties change (DESIGN §3);
 * createMqApiSession applies `sessionDefaults` below.
 */
export const sessionSettingsShape = {
  temporarySession: z.boolean().optional(),
  cleanSession: z.boolean().optional(),
  sessionStatus: sessionStatusSchema.optional(),
  keepAliveSeconds: uint32.optional(),
  userProperties: userPropertiesSchema.optional(),
  mqttPayloadType: z.enum(mqttPayloadTypes).optional(),
  sessionExpiryInterval: sessionExpiryIntervalSchema.optional(),
  receiveMaximum: z.int().min(1).max(65535).optional(),
  maximumPacketSize: z.int().min(1).max(268435460).optional(),
  topicAliasMaximum: z.int().min(0).max(65535).optional(),
  requestProblemInformation: z.boolean().optional(),
  requestResponseInformation: z.boolean().optional(),
  willTopic: utf8String(0, 65535).optional(),
  willQoS: z.int().min(0).max(2).optional(),
  willPayload: jsonValue(268435455).optional(),
  willRetain: z.boolean().optional(),
  willContentType: utf8String(0, 65535).optional(),
  willCorrelationData: jsonValue(65500).optional(),
  willPayloadFormatIndicator: z.enum(['none', 'utf8']).optional(),
  willExpirySeconds: uint32.optional(),
  willDelaySeconds: uint32.optional(),
  willResponseTopic: utf8String(0, 65535).optional(),
  willUserProperties: userPropertiesSchema.optional(),
  minHealthySendRatePerMinute: thresholdSchema.optional(),
  maxHealthySendRatePerMinute: thresholdSchema.optional(),
  maxHealthyBacklogRatePerMinute: thresholdSchema.optional(),
  minHealthySubscribedTopicFiltersCount: thresholdSchema.optional(),
  maxHealthySubscribedTopicFiltersCount: thresholdSchema.optional(),
  metadata: jsonValue(65500).optional(),
} as const;

export type SessionSettingsPatch = z.infer<z.ZodObject<typeof sessionSettingsShape>>;

/** Seed 003's defaults for a new session. sessionExpiryInterval follows temporarySession. */
export const sessionDefaults = {
  temporarySession: false,
  sessionStatus: 'normal',
  keepAliveSeconds: 0,
  userProperties: [] as Array<{ key: string; value: string }>,
  mqttPayloadType: 'binary',
  receiveMaximum: 1024,
  maximumPacketSize: 1024,
  topicAliasMaximum: 0,
  requestProblemInformation: true,
  requestResponseInformation: false,
  willTopic: '',
  willQoS: 2,
  willRetain: false,
  willContentType: '',
  willCorrelationData: '',
  willPayloadFormatIndicator: 'none',
  willExpirySeconds: 60,
  willDelaySeconds: 60,
  willResponseTopic: '',
  willUserProperties: [] as Array<{ key: string; value: string }>,
  minHealthySendRatePerMinute: 0,
  maxHealthySendRatePerMinute: 0,
  maxHealthyBacklogRatePerMinute: 0,
  minHealthySubscribedTopicFiltersCount: 0,
  maxHealthySubscribedTopicFiltersCount: 0,
  metadata: {} as Record<string, never>,
} as const;

/**
 * Seed 002/003: "The server returns an error if you include both and set them to opposite values."
 * Takes (value, ctx) in zod's superRefine order: it is passed to `.superRefine` directly.
 */
export function checkCleanVsTemporary(v: { cleanSession?: boolean; temporarySession?: boolean }, ctx: z.RefinementCtx): void {
  if (v.cleanSession !== undefined && v.temporarySession !== undefined && v.cleanSession !== v.temporarySession)
    ctx.addIssue({
      code: 'custom', path: ['temporarySession'], params: { errorCode: 'mutuallyExclusive' },
      message: '"cleanSession" and "temporarySession" are given with opposite values: give one, or the same value',
    });
}

export { clientNameSchema, labelSchema };
