import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseAddressAllowlist, parseAllowedHosts, parseTrustProxy } from './http/web-settings.ts';

/**
 * The runtime contract of DESIGN §2: environment variables, each also accepted as a flag
 * (`--port 8080`, `--data-dir ./data`, …). Flags win over the environment.
 */
const configSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  mqttPort: z.coerce.number().int().min(0).max(65535).default(1883),
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
  mqttAllowAnonymous: z.string().default('true').transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(['true', 'false', '1', '0'], { message: 'must be true or false' })).transform((v) => v === 'true' || v === '1'),
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
}).refine((c) => c.headersTimeoutMs <= c.requestTimeoutMs, {
  // Node refuses a headers timeout longer than the request timeout.
  message: 'must not be longer than the request timeout', path: ['headersTimeoutMs'],
});
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
