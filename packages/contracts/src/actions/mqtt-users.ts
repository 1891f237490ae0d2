import { z } from 'zod';
import { utf8String } from '../common.ts';
import { FEED_USERNAME } from '../feed.ts';

/**
 * MQTT client accounts (mqdash extension, issue 6): user names and passwords that MQTT clients
 * give in CONNECT, managed by administrators. Passwords are stored as scrypt hashes and never
 * returned. With `allowAnonymous` off, a client without a user name is refused.
 */

/** Longest account user name, in characters. MQTT allows 65,535 bytes; 64 is plenty for a name and fits a table. */
export const MQTT_USERNAME_MAX = 64;
/** Shortest and longest password an administrator can set. MQTT allows 65,535 bytes of binary data. */
export const MQTT_PASSWORD_MIN = 8;
export const MQTT_PASSWORD_MAX = 1024;

// [MQTT-1.5.4-2] U+0000 is never allowed in an MQTT string; other control characters are refused
// so that a name is always visible where it is shown (tables, logs, audit targets).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export const mqttUsernameSchema = z
  .string()
  .min(1)
  .max(MQTT_USERNAME_MAX)
  .superRefine((s, ctx) => {
    if (CONTROL.test(s)) ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: 'must not contain control characters' });
    else if (s.trim() !== s) ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: 'must not start or end with a space' });
    // The dashboard's live feed signs in with this name and a feed token (DESIGN §5).
    else if (s === FEED_USERNAME) ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: `"${FEED_USERNAME}" is reserved for the dashboard's live feed` });
  });

export const mqttPasswordSchema = z
  .string()
  .min(MQTT_PASSWORD_MIN, `must be at least ${MQTT_PASSWORD_MIN} characters`)
  .max(MQTT_PASSWORD_MAX, `must be at most ${MQTT_PASSWORD_MAX} characters`);

const descriptionSchema = utf8String(0, 1024);

export const createMqttUserParams = z.object({
  username: mqttUsernameSchema,
  password: mqttPasswordSchema,
  description: descriptionSchema.default(''),
  /** false: created disabled (refused until enabled). */
  enabled: z.boolean().default(true),
});
export type CreateMqttUserParams = z.infer<typeof createMqttUserParams>;
export type CreateMqttUserInput = z.input<typeof createMqttUserParams>;

export const listMqttUsersParams = z.object({});

/** The changeable properties of an account; only those given change. */
const mqttUserPatch = z.object({
  /** A new password: clients need it from their next CONNECT on. */
  password: mqttPasswordSchema.optional(),
  /** false: refused from now on, and its connected clients are disconnected. */
  enabled: z.boolean().optional(),
  description: descriptionSchema.optional(),
  /** With a new password: also disconnect the clients connected with the old one (default false). */
  disconnectClients: z.boolean().optional(),
});

const somethingToChange = (p: z.infer<typeof mqttUserPatch>, ctx: z.RefinementCtx) => {
  if (p.password === undefined && p.enabled === undefined && p.description === undefined)
    ctx.addIssue({ code: 'custom', path: ['password'], params: { errorCode: 'missingProperty' }, message: 'give at least one of password, enabled or description' });
  else if (p.disconnectClients !== undefined && p.password === undefined)
    ctx.addIssue({ code: 'custom', path: ['disconnectClients'], params: { errorCode: 'outOfLimits' }, message: 'applies only with a new password (disabling always disconnects)' });
};

export const alterMqttUserParams = z.object({ username: mqttUsernameSchema }).extend(mqttUserPatch.shape).superRefine(somethingToChange);
export type AlterMqttUserParams = z.infer<typeof alterMqttUserParams>;

/** `PATCH /bff/mqtt-users/:username`. */
export const mqttUserPatchBody = mqttUserPatch.superRefine(somethingToChange);
export type MqttUserPatchBody = z.infer<typeof mqttUserPatchBody>;

export const deleteMqttUserParams = z.object({ username: mqttUsernameSchema });
export type DeleteMqttUserParams = z.infer<typeof deleteMqttUserParams>;

/** An account as the actions return it: never the password or its hash. */
export interface MqttUserInfo {
  username: string;
  enabled: boolean;
  description: string;
  /** Who created it (`admin`, …). */
  createdBy: string | null;
  createdDateTime: string;
  updatedDateTime: string;
  passwordChangedDateTime: string;
  /** MQTT clients connected now with this account. */
  connectedClients: number;
}

/** alterMqttUser and deleteMqttUser also say how many connected clients they disconnected. */
export interface MqttUserChangeResult extends MqttUserInfo {
  disconnectedClients: number;
}

export interface DeleteMqttUserResult {
  username: string;
  deleted: true;
  disconnectedClients: number;
}

export const describeMqttAuthSettingsParams = z.object({});

/**
 * How client ids are tied to MQTT accounts (issue 12, client-id binding):
 * - `none`: any client id (MQTT's rule: a new connection with a connected id takes it over);
 * - `session-owner`: a client id whose session was last connected under one user name is refused
 *   (0x87 Not authorized; 3.1.1: return code 5) to a client with another user name or none;
 * - `prefix-username`: as session-owner, and a client with a user name must use a client id that
 *   starts with it (0x85 Client Identifier not valid; 3.1.1: return code 2);
 * - `equals-username`: as session-owner, and the client id must be the user name (0x85 / 2).
 * Clients without a user name are held only to the session-owner rule.
 */
export const clientIdBindings = ['none', 'session-owner', 'prefix-username', 'equals-username'] as const;
export type ClientIdBinding = (typeof clientIdBindings)[number];

export const alterMqttAuthSettingsParams = z.object({
  /** false: a CONNECT without a user name is refused, and anonymous clients connected now are disconnected. */
  allowAnonymous: z.boolean().optional(),
  /** See clientIdBindings; applies to CONNECTs from now on (connected clients stay). */
  clientIdBinding: z.enum(clientIdBindings, { message: `must be one of ${clientIdBindings.join(', ')}` }).optional(),
}).superRefine((p, ctx) => {
  if (p.allowAnonymous === undefined && p.clientIdBinding === undefined)
    ctx.addIssue({ code: 'custom', path: ['allowAnonymous'], params: { errorCode: 'missingProperty' }, message: 'give at least one of allowAnonymous, clientIdBinding' });
});
export type AlterMqttAuthSettingsParams = z.infer<typeof alterMqttAuthSettingsParams>;

/** `PUT /bff/mqtt-auth`. */
export const mqttAuthSettingsBody = alterMqttAuthSettingsParams;

export interface MqttAuthSettings {
  allowAnonymous: boolean;
  /**
   * `environment`: MQTT_ALLOW_ANONYMOUS (or its default, true) applies; `dashboard`: an
   * administrator set it, and the stored value wins over the environment from then on.
   */
  allowAnonymousSource: 'environment' | 'dashboard';
  /** What MQTT_ALLOW_ANONYMOUS says (true when unset). */
  allowAnonymousDefault: boolean;
  /** When and by whom the setting was last changed (source `dashboard`). */
  updatedDateTime?: string;
  updatedBy?: string;
  /**
   * Whether a CONNECT's user name is checked against the accounts. Always, once MQTT
   * authentication is in use (an account exists, or anonymous access is off); before that, a user
   * name is only recorded, as mqdash did before accounts existed.
   */
  usernamesChecked: boolean;
  accounts: number;
  enabledAccounts: number;
  /** MQTT clients connected now without an account (the dashboard's own feed not counted). */
  connectedAnonymousClients: number;
  /** How client ids are tied to accounts (see clientIdBindings); `none` until an administrator sets it. */
  clientIdBinding: ClientIdBinding;
}

export interface AlterMqttAuthSettingsResult extends MqttAuthSettings {
  /** Anonymous clients disconnected because anonymous access was switched off. */
  disconnectedClients: number;
}
