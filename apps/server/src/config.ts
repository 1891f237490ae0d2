import { parseArgs } from 'node:util';
import { z } from 'zod';

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
});
export type Config = z.infer<typeof configSchema>;

const flags = {
  host: 'HOST', port: 'PORT', 'mqtt-port': 'MQTT_PORT', 'data-dir': 'DATA_DIR',
  'admin-password': 'ADMIN_PASSWORD', 'log-level': 'LOG_LEVEL', 'max-body-bytes': 'MAX_BODY_BYTES',
  'api-key-bootstrap-file': 'API_KEY_BOOTSTRAP_FILE',
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
