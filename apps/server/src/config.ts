import { parseArgs } from 'node:util';
import { z } from 'zod';
import { clusterSettingsConflict, clusterSettingsShape } from '@mqdash/broker';
import { parseAddressAllowlist, parseAllowedHosts, parseTrustProxy } from './http/web-settings.ts';

/** A listening port: 0–65535 (0: any free one), or `off` (no such listener) when `off` is allowed. */
const portSetting = (off: boolean) => z.string().transform((v, ctx) => {
  const t = v.trim().toLowerCase();
  if (off && t === 'off') return null;
  const n = Number(t);
  if (t === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    ctx.addIssue({ code: 'custom', message: `must be a port number 0–65535${off ? ' or off' : ''}` });
    return z.NEVER;
  }
  return n;
});

const booleanSetting = (dflt: string) => z.string().default(dflt).transform((v) => v.trim().toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0'], { message: 'must be true or false' })).transform((v) => v === 'true' || v === '1');

/**
 * The runtime contract of DESIGN §2: environment variables, each also accepted as a flag
 * (`--port 8080`, `--data-dir ./data`, …). Flags win over the environment.
 */
const configSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  /** HTTP (dashboard, APIs, MQTT over WebSocket); null: `off`. */
  port: portSetting(true).default(8080),
  /** MQTT over TCP; null: `off`. */
  mqttPort: portSetting(true).default(1883),
  /** MQTT over TLS (issue 12); off unless set. */
  mqttsPort: portSetting(false).pipe(z.number()).optional(),
  /** HTTPS serving what PORT serves, with MQTT over secure WebSocket at /mqtt; off unless set. */
  httpsPort: portSetting(false).pipe(z.number()).optional(),
  /** PEM certificate (chain) and its key for MQTTS_PORT and HTTPS_PORT; reloaded on SIGHUP. */
  tlsCertFile: z.string().min(1).optional(),
  tlsKeyFile: z.string().min(1).optional(),
  /** PEM CA certificate(s) that client certificates on MQTTS_PORT must be signed by. */
  tlsCaFile: z.string().min(1).optional(),
  /** Whether MQTTS clients must present a certificate; default `required` with TLS_CA_FILE, else `none`. */
  tlsClientCert: z.enum(['none', 'requested', 'required'], { message: 'must be none, requested or required' }).optional(),
  /** Use a verified client certificate's CN as the MQTT user name (the certificate is the credential). */
  tlsCertCnAsUsername: booleanSetting('false'),
  dataDir: z.string().min(1).default('./data'),
  adminPassword: z.string().min(1).optional(),
  /** `key:secret` lines applied at every start: missing API keys created, secrets updated (DESIGN §2). */
  apiKeyBootstrapFile: z.string().min(1).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest JSON request body, bytes. */
  maxBodyBytes: z.coerce.number().int().min(1024).default(1024 * 1024),
  /** Messages queued per persistent MQTT session; beyond it the oldest are dropped and counted (stats.droppedMessages). 0: no limit. */
  mqttMaxQueuedMessages: z.coerce.number().int().min(0).default(100_000),
  /**
   * Overload limits of the own engine (MQDASH_ENGINE=mqdash; issue 10, README). 0: no limit.
   * Connected clients; new CONNECTs per second; PUBLISHes and payload bytes per second per client;
   * subscriptions per client; payload bytes queued per session.
   */
  mqttMaxConnections: z.coerce.number().int().min(0).default(0),
  mqttMaxConnectRate: z.coerce.number().int().min(0).default(0),
  mqttMaxPublishRate: z.coerce.number().int().min(0).default(0),
  mqttMaxPublishBytesRate: z.coerce.number().int().min(0).default(0),
  mqttMaxSubscriptionsPerClient: z.coerce.number().int().min(0).default(0),
  mqttMaxQueuedBytes: z.coerce.number().int().min(0).default(0),
  /** A client that stops reading is disconnected once its socket has stayed full this long (ms). 0: never. */
  mqttDrainTimeoutMs: z.coerce.number().int().min(0).default(60_000),
  /**
   * Whether MQTT clients without a user name are accepted. Only a default: once an administrator
   * switches it in the dashboard, the stored value wins (README).
   */
  mqttAllowAnonymous: booleanSetting('true'),
  /**
   * Device authentication (issue 12, README): a JWT as the MQTT password, HS256 with a secret
   * (MQTT_JWT_SECRET or the first line of MQTT_JWT_SECRET_FILE), RS256/ES256 with a JWKS file.
   */
  mqttJwtSecret: z.string().min(32, 'must be at least 32 characters (HS256 needs 256 bits)').optional(),
  mqttJwtSecretFile: z.string().min(1).optional(),
  mqttJwtJwksFile: z.string().min(1).optional(),
  /** The claim naming the user (default `sub`) and the one with topic permissions (default `acl`). */
  mqttJwtUsernameClaim: z.string().min(1).max(200).default('sub'),
  mqttJwtAclClaim: z.string().min(1).max(200).default('acl'),
  /** The HTTP auth hook: each CONNECT's credentials POSTed to this URL; its timeout and answer cache. */
  mqttAuthHttpUrl: z.string().url('must be an http:// or https:// URL').refine((u) => /^https?:\/\//i.test(u), 'must be an http:// or https:// URL').optional(),
  mqttAuthHttpTimeoutMs: z.coerce.number().int('must be a whole number of ms').min(100).max(60_000).default(5000),
  mqttAuthHttpCacheSeconds: z.coerce.number().int('must be a whole number of seconds').min(0).max(86_400).default(60),
  /** Time a client has to send the request headers, ms; a slower one (slow-loris) is cut off. */
  headersTimeoutMs: z.coerce.number().int().min(100).default(10_000),
  /** Time a client has to send the whole request, ms. */
  requestTimeoutMs: z.coerce.number().int().min(100).default(30_000),
  /**
   * Express `trust proxy` (issue 12): which hops' X-Forwarded-For/-Proto/-Host to believe, so that
   * behind a TLS proxy cookies are Secure and client addresses are real. Default: none.
   */
  trustProxy: z.string().default('false').transform((v, ctx) => parseTrustProxy(v, ctx)),
  /**
   * Host names the HTTP server answers to (DNS rebinding, issue 12); unset: HOST plus localhost
   * names, or no check when HOST is a wildcard.
   */
  allowedHosts: z.string().optional().transform((v, ctx) => (v === undefined ? undefined : parseAllowedHosts(v, ctx))),
  /**
   * Addresses and CIDR ranges that may read `/metrics` without an API key (issue 14); unset: only
   * requests with an API key (HTTP Basic key:secret) may.
   */
  metricsAllow: z.string().optional().transform((v, ctx) => (v === undefined ? undefined : parseAddressAllowlist(v, ctx))),
  /** How often alert rules are evaluated, seconds (issue 13); fractions allowed. */
  alertEvaluateSeconds: z.coerce.number().min(0.1).max(3600).default(15),
  /**
   * Issue 11 (DESIGN §7): DATABASE_URL `postgres://…` keeps the MQTT protocol state in PostgreSQL
   * (own engine); REDIS_URL `redis://…` joins a cluster and needs DATABASE_URL; NODE_NAME names
   * the node (default: host name and MQTT port).
   */
  ...clusterSettingsShape,
}).superRefine((c, ctx) => {
  const conflict = clusterSettingsConflict(c);
  if (conflict) ctx.addIssue({ code: 'custom', message: conflict.message, path: [conflict.setting] });
}).refine((c) => c.headersTimeoutMs <= c.requestTimeoutMs, {
  // Node refuses a headers timeout longer than the request timeout.
  message: 'must not be longer than the request timeout', path: ['headersTimeoutMs'],
}).superRefine((c, ctx) => {
  if (c.mqttJwtSecret !== undefined && c.mqttJwtSecretFile !== undefined)
    ctx.addIssue({ code: 'custom', path: ['mqttJwtSecretFile'], message: 'set either MQTT_JWT_SECRET or MQTT_JWT_SECRET_FILE, not both' });
  const secure = c.mqttsPort !== undefined || c.httpsPort !== undefined;
  for (const key of ['tlsCertFile', 'tlsKeyFile'] as const) {
    if (secure && c[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when MQTTS_PORT or HTTPS_PORT is set' });
  }
  if (c.tlsClientCert !== undefined && c.tlsClientCert !== 'none' && c.tlsCaFile === undefined)
    ctx.addIssue({ code: 'custom', path: ['tlsCaFile'], message: `is required with TLS_CLIENT_CERT=${c.tlsClientCert} (the CA client certificates are checked against)` });
  if (c.tlsCertCnAsUsername && (c.tlsCaFile === undefined || c.tlsClientCert === 'none'))
    ctx.addIssue({ code: 'custom', path: ['tlsCertCnAsUsername'], message: 'needs TLS_CA_FILE and TLS_CLIENT_CERT requested or required (only a verified certificate names a user)' });
}).transform(({ tlsClientCert, ...c }) => ({
  ...c,
  tlsClientCert: tlsClientCert ?? (c.tlsCaFile !== undefined ? 'required' as const : 'none' as const),
}));
export type Config = z.infer<typeof configSchema>;

const flags = {
  host: 'HOST', port: 'PORT', 'mqtt-port': 'MQTT_PORT', 'data-dir': 'DATA_DIR',
  'admin-password': 'ADMIN_PASSWORD', 'log-level': 'LOG_LEVEL', 'max-body-bytes': 'MAX_BODY_BYTES',
  'api-key-bootstrap-file': 'API_KEY_BOOTSTRAP_FILE',
  'mqtt-max-queued-messages': 'MQTT_MAX_QUEUED_MESSAGES', 'mqtt-drain-timeout-ms': 'MQTT_DRAIN_TIMEOUT_MS',
  'mqtt-allow-anonymous': 'MQTT_ALLOW_ANONYMOUS',
  'mqtt-max-connections': 'MQTT_MAX_CONNECTIONS', 'mqtt-max-connect-rate': 'MQTT_MAX_CONNECT_RATE',
  'mqtt-max-publish-rate': 'MQTT_MAX_PUBLISH_RATE', 'mqtt-max-publish-bytes-rate': 'MQTT_MAX_PUBLISH_BYTES_RATE',
  'mqtt-max-subscriptions-per-client': 'MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT', 'mqtt-max-queued-bytes': 'MQTT_MAX_QUEUED_BYTES',
  'headers-timeout-ms': 'HEADERS_TIMEOUT_MS', 'request-timeout-ms': 'REQUEST_TIMEOUT_MS',
  'trust-proxy': 'TRUST_PROXY', 'allowed-hosts': 'ALLOWED_HOSTS', 'metrics-allow': 'METRICS_ALLOW',
  'alert-evaluate-seconds': 'ALERT_EVALUATE_SECONDS',
  'mqtts-port': 'MQTTS_PORT', 'https-port': 'HTTPS_PORT', 'tls-cert-file': 'TLS_CERT_FILE', 'tls-key-file': 'TLS_KEY_FILE',
  'tls-ca-file': 'TLS_CA_FILE', 'tls-client-cert': 'TLS_CLIENT_CERT', 'tls-cert-cn-as-username': 'TLS_CERT_CN_AS_USERNAME',
  'mqtt-jwt-secret': 'MQTT_JWT_SECRET', 'mqtt-jwt-secret-file': 'MQTT_JWT_SECRET_FILE', 'mqtt-jwt-jwks-file': 'MQTT_JWT_JWKS_FILE',
  'mqtt-jwt-username-claim': 'MQTT_JWT_USERNAME_CLAIM', 'mqtt-jwt-acl-claim': 'MQTT_JWT_ACL_CLAIM',
  'mqtt-auth-http-url': 'MQTT_AUTH_HTTP_URL', 'mqtt-auth-http-timeout-ms': 'MQTT_AUTH_HTTP_TIMEOUT_MS', 'mqtt-auth-http-cache-seconds': 'MQTT_AUTH_HTTP_CACHE_SECONDS',
  'database-url': 'DATABASE_URL', 'redis-url': 'REDIS_URL', 'node-name': 'NODE_NAME',
} as const;

const camel = (flag: string) => flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

export function loadConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Config {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(Object.keys(flags).map((f) => [f, { type: 'string' as const }])),
    strict: true,
  });
  const raw: Record<string, unknown> = {};
  for (const [flag, envName] of Object.entries(flags)) {
    const v = (values as Record<string, string | undefined>)[flag] ?? env[envName];
    if (v !== undefined && v !== '') raw[camel(flag)] = v;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    const flag = Object.keys(flags).find((f) => camel(f) === key) ?? key;
    throw new Error(`invalid setting --${flag} (${flags[flag as keyof typeof flags] ?? key}): ${issue.message}`);
  }
  return parsed.data;
}
