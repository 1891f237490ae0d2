import { z } from 'zod';

/** The MQTT engines createBroker can run (issue 10): mqdash's own (default), or aedes wrapped. */
export const engineKinds = ['aedes', 'mqdash'] as const;
export type EngineKind = (typeof engineKinds)[number];

const engineKind = z.enum(engineKinds);

/**
 * The engine to run: the option when given, else env MQDASH_ENGINE, else `fallback` (mqdash, the
 * own engine, since it passes every test; aedes stays selectable until it is removed). An unknown value stops the start with an error naming the setting
 * and the accepted values.
 */
export function resolveEngineKind(option: unknown, env: NodeJS.ProcessEnv = process.env, fallback: EngineKind = 'mqdash'): EngineKind {
  const [name, value] = option !== undefined ? ['mqtt.engine', option] : ['MQDASH_ENGINE', env.MQDASH_ENGINE];
  if (value === undefined || value === '') return fallback;
  const parsed = engineKind.safeParse(value);
  if (!parsed.success) throw new Error(`${name}: must be "aedes" or "mqdash", got ${JSON.stringify(String(value).slice(0, 100))}`);
  return parsed.data;
}
