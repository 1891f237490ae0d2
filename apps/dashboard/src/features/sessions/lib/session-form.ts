import {
  alterMqSessionParams, NEVER_EXPIRES, type KeyValue, type SessionDetail, type SessionStatus,
} from '@mqdash/contracts';
import { zodFieldErrors, type FieldErrors } from '../../../lib/form-errors';
import type { SessionSettingsPatch } from '../api/alter-session';

/**
 * The edit form's values (strings as typed, booleans as ticked) and the pure steps between them
 * and an alterMqSession patch: detail → values, values → parsed properties → only the changed
 * ones → validated with the contracts schema (seed 002's limits), errors keyed by property path.
 */

export type PayloadMode = 'text' | 'json';
export type PayloadTypeValue = NonNullable<SessionSettingsPatch['mqttPayloadType']>;

export interface SessionFormValues {
  sessionStatus: SessionStatus;
  temporarySession: boolean;
  keepAliveSeconds: string;
  sessionExpiryNever: boolean;
  sessionExpiryInterval: string;
  mqttPayloadType: PayloadTypeValue;
  userProperties: KeyValue[];
  receiveMaximum: string;
  maximumPacketSize: string;
  topicAliasMaximum: string;
  requestProblemInformation: boolean;
  requestResponseInformation: boolean;
  willTopic: string;
  willQoS: '0' | '1' | '2';
  willPayload: string;
  willPayloadMode: PayloadMode;
  willRetain: boolean;
  willContentType: string;
  willCorrelationData: string;
  willCorrelationDataMode: PayloadMode;
  willPayloadFormatIndicator: 'none' | 'utf8';
  willExpirySeconds: string;
  willDelaySeconds: string;
  willResponseTopic: string;
  willUserProperties: KeyValue[];
  minHealthySendRatePerMinute: string;
  maxHealthySendRatePerMinute: string;
  maxHealthyBacklogRatePerMinute: string;
  minHealthySubscribedTopicFiltersCount: string;
  maxHealthySubscribedTopicFiltersCount: string;
  labelGroup: string;
  labelName: string;
  metadata: string;
}

const num = (n: number | undefined, fallback = 0): string => String(n ?? fallback);

/** A JSON value as the user edits it: a string as plain text, anything else as JSON. */
function payloadField(value: unknown): { text: string; mode: PayloadMode } {
  if (value === undefined || value === null) return { text: '', mode: 'text' };
  if (typeof value === 'string') return { text: value, mode: 'text' };
  return { text: JSON.stringify(value, null, 2), mode: 'json' };
}

const payloadTypes: readonly PayloadTypeValue[] = ['json', 'xml', 'binary', 'jpeg', 'siemensUdt', 'utf8', 'variantObject'];

export function formValuesFrom(detail: SessionDetail): SessionFormValues {
  const stats = detail.stats;
  const will = payloadField(detail.willPayload);
  const correlation = payloadField(detail.willCorrelationData);
  const qos = detail.willQoS ?? 2;
  return {
    sessionStatus: detail.sessionStatus,
    temporarySession: detail.temporarySession,
    keepAliveSeconds: num(detail.keepAliveSeconds),
    sessionExpiryNever: detail.sessionExpiryInterval >= 4294967295,
    sessionExpiryInterval: detail.sessionExpiryInterval >= 4294967295 ? '' : num(detail.sessionExpiryInterval),
    mqttPayloadType: payloadTypes.includes(detail.mqttPayloadType as PayloadTypeValue) ? (detail.mqttPayloadType as PayloadTypeValue) : 'binary',
    userProperties: detail.userProperties.map((p) => ({ ...p })),
    receiveMaximum: num(detail.receiveMaximum),
    maximumPacketSize: num(detail.maximumPacketSize),
    topicAliasMaximum: num(detail.topicAliasMaximum),
    requestProblemInformation: detail.requestProblemInformation,
    requestResponseInformation: detail.requestResponseInformation,
    willTopic: detail.willTopic ?? '',
    willQoS: qos === 0 || qos === 1 ? (String(qos) as '0' | '1') : '2',
    willPayload: will.text,
    willPayloadMode: will.mode,
    willRetain: detail.willRetain ?? false,
    willContentType: detail.willContentType ?? '',
    willCorrelationData: correlation.text,
    willCorrelationDataMode: correlation.mode,
    willPayloadFormatIndicator: detail.willPayloadFormatIndicator === 'utf8' ? 'utf8' : 'none',
    willExpirySeconds: num(detail.willExpirySeconds, 60),
    willDelaySeconds: num(detail.willDelaySeconds, 60),
    willResponseTopic: detail.willResponseTopic ?? '',
    willUserProperties: (detail.willUserProperties ?? []).map((p) => ({ ...p })),
    minHealthySendRatePerMinute: num(stats?.minHealthySendRatePerMinute),
    maxHealthySendRatePerMinute: num(stats?.maxHealthySendRatePerMinute),
    maxHealthyBacklogRatePerMinute: num(stats?.maxHealthyBacklogRatePerMinute),
    minHealthySubscribedTopicFiltersCount: num(stats?.minHealthySubscribedTopicFiltersCount),
    maxHealthySubscribedTopicFiltersCount: num(stats?.maxHealthySubscribedTopicFiltersCount),
    labelGroup: detail.label?.group ?? '',
    labelName: detail.label?.name ?? '',
    metadata: JSON.stringify(detail.metadata ?? {}, null, 2),
  };
}

const numberFields = [
  'keepAliveSeconds', 'receiveMaximum', 'maximumPacketSize', 'topicAliasMaximum', 'willExpirySeconds', 'willDelaySeconds',
  'minHealthySendRatePerMinute', 'maxHealthySendRatePerMinute', 'maxHealthyBacklogRatePerMinute',
  'minHealthySubscribedTopicFiltersCount', 'maxHealthySubscribedTopicFiltersCount',
] as const;

const passThrough = [
  'sessionStatus', 'temporarySession', 'mqttPayloadType', 'requestProblemInformation', 'requestResponseInformation',
  'willTopic', 'willRetain', 'willContentType', 'willPayloadFormatIndicator', 'willResponseTopic',
] as const;

/** Form values → every property as the API wants it; unparsable entries become field errors. */
export function parseFormValues(values: SessionFormValues): { properties: Record<string, unknown>; errors: FieldErrors } {
  const properties: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const key of passThrough) properties[key] = values[key];
  for (const key of numberFields) {
    const text = values[key].trim();
    if (text === '') errors[key] = 'Enter a number (0 if unsure)';
    else if (!Number.isFinite(Number(text))) errors[key] = 'Must be a number';
    else properties[key] = Number(text);
  }
  if (values.sessionExpiryNever) properties.sessionExpiryInterval = NEVER_EXPIRES;
  else {
    const text = values.sessionExpiryInterval.trim();
    if (text === '' || !Number.isFinite(Number(text))) errors.sessionExpiryInterval = 'Enter a number of seconds, or tick “Never expires”';
    else properties.sessionExpiryInterval = Number(text);
  }
  properties.willQoS = Number(values.willQoS);
  properties.userProperties = values.userProperties;
  properties.willUserProperties = values.willUserProperties;

  const json = (text: string, mode: PayloadMode, key: string) => {
    if (mode === 'text') return text;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      errors[key] = 'Not valid JSON';
      return undefined;
    }
  };
  properties.willPayload = json(values.willPayload, values.willPayloadMode, 'willPayload');
  properties.willCorrelationData = json(values.willCorrelationData, values.willCorrelationDataMode, 'willCorrelationData');
  properties.metadata = json(values.metadata.trim() || '{}', 'json', 'metadata');

  // Both label parts empty means "no label" (`label: null` removes it).
  properties.label = values.labelGroup === '' && values.labelName === '' ? null : { group: values.labelGroup, name: values.labelName };
  return { properties, errors };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export interface PatchResult {
  patch: SessionSettingsPatch;
  errors: FieldErrors;
}

/**
 * Only what changed goes to the server (alterMqSession is a patch, DESIGN §3), validated with the
 * contracts' `alterMqSessionParams` — the same schema the server uses. Errors key by property
 * path (`label.name`, `userProperties.0.key`).
 */
export function buildPatch(clientName: string, values: SessionFormValues, initial: SessionFormValues): PatchResult {
  const now = parseFormValues(values);
  const before = parseFormValues(initial).properties;
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(now.properties)) if (value !== undefined && !same(value, before[key])) patch[key] = value;

  // Unparsable fields are missing from the patch; the schema still checks all the others, so
  // every problem shows at once.
  const parsed = alterMqSessionParams.safeParse({ ...patch, clientName });
  const errors = parsed.success ? {} : zodFieldErrors(parsed.error);
  delete errors.clientName;
  return { patch: patch as SessionSettingsPatch, errors: { ...errors, ...now.errors } };
}
