// Real MQTT clients (mqtt.js over TCP) for the e2e tests: connect, publish, watch for the
// server ending a connection, and read the CONNACK of a refused connect.
import net from 'node:net';
import mqtt, { type IClientOptions, type MqttClient, type Packet } from 'mqtt';

export type ProtocolVersion = 4 | 5;

/** Every client a test made, so `closeAllClients()` in `after` ends them all. */
const opened = new Set<MqttClient>();

export interface ConnectOptions {
  protocolVersion?: ProtocolVersion;
  /** Subscriptions made right after the CONNACK. */
  subscribe?: string[];
  clean?: boolean;
  /** MQTT 5 session expiry (seconds); without it an MQTT 5 session ends with its connection. */
  sessionExpiryInterval?: number;
  username?: string;
  /** The client's source address on the loopback network (127.x.y.z), so sessions differ in IP. */
  localAddress?: string;
}

/**
 * A connected client. Automatic reconnects are off: a test decides when a client comes back,
 * and a banned client must not hammer the server in the background.
 */
export async function connectClient(mqttPort: number, clientId: string, opts: ConnectOptions = {}): Promise<MqttClient> {
  const options: IClientOptions = {
    clientId,
    protocolVersion: opts.protocolVersion ?? 5,
    clean: opts.clean ?? true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    keepalive: 60,
    ...(opts.username !== undefined ? { username: opts.username } : {}),
    ...(opts.sessionExpiryInterval !== undefined ? { properties: { sessionExpiryInterval: opts.sessionExpiryInterval } } : {}),
  };
  const { localAddress } = opts;
  const client = localAddress
    ? new mqtt.MqttClient(() => net.createConnection({ host: '127.0.0.1', port: mqttPort, localAddress }), options)
    : mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, options);
  opened.add(client);
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(new Error(`${clientId}: connection closed before CONNACK`)));
    });
  } catch (error) {
    client.end(true);
    opened.delete(client);
    throw error;
  }
  for (const topic of opts.subscribe ?? []) await client.subscribeAsync(topic, { qos: 1 });
  return client;
}

/** Publishes `count` QoS 1 messages and waits for every PUBACK (so the broker has counted them). */
export async function publishMessages(client: MqttClient, topic: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await client.publishAsync(topic, JSON.stringify({ n: i, at: Date.now() }), { qos: 1 });
}

/** Resolves when the server ends the connection (the DISCONNECT packet's reason, if MQTT 5 sent one). */
export function waitForServerClose(client: MqttClient, timeoutMs = 30_000): Promise<{ disconnectReason?: number }> {
  if (!client.connected) return Promise.resolve({});
  return new Promise((resolve, reject) => {
    let disconnectReason: number | undefined;
    const timer = setTimeout(() => reject(new Error(`${client.options.clientId}: still connected after ${timeoutMs} ms`)), timeoutMs);
    client.on('disconnect', (packet) => {
      disconnectReason = packet.reasonCode;
    });
    client.once('close', () => {
      clearTimeout(timer);
      resolve({ disconnectReason });
    });
  });
}

export interface ConnectAttempt {
  /** True when the CONNACK accepted the connection. */
  accepted: boolean;
  /** MQTT 3.1.1 CONNACK return code (0 accepted, 5 not authorized, …). */
  returnCode?: number;
  /** MQTT 5 CONNACK reason code (0 success, 0x8A banned, …). */
  reasonCode?: number;
  /** MQTT 5 reason string, when the server sent one. */
  reasonString?: string;
}

/**
 * One CONNECT, reporting the CONNACK as it came on the wire. An accepted connection is closed
 * again at once unless `keep` is set (then the client is returned too).
 */
export async function attemptConnect(mqttPort: number, clientId: string, protocolVersion: ProtocolVersion, keep = false): Promise<ConnectAttempt & { client?: MqttClient }> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, { clientId, protocolVersion, reconnectPeriod: 0, connectTimeout: 10_000, clean: true });
  opened.add(client);
  const connack = await new Promise<Packet & { returnCode?: number; reasonCode?: number; properties?: { reasonString?: string } }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${clientId}: no CONNACK within 10 s`)), 10_000);
    client.on('packetreceive', (packet) => {
      if (packet.cmd === 'connack') {
        clearTimeout(timer);
        resolve(packet as never);
      }
    });
    // A refusal surfaces as 'error' too; the CONNACK above is what the test reads.
    client.on('error', () => {});
  });
  const code = protocolVersion === 5 ? connack.reasonCode : connack.returnCode;
  const attempt: ConnectAttempt = {
    accepted: (code ?? 0) === 0,
    ...(protocolVersion === 5 ? { reasonCode: connack.reasonCode ?? 0, reasonString: connack.properties?.reasonString } : { returnCode: connack.returnCode ?? 0 }),
  };
  if (attempt.accepted && keep) {
    if (!client.connected) await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    return { ...attempt, client };
  }
  await endClient(client);
  return attempt;
}

/** Ends a client (forcefully: no DISCONNECT handshake to wait for when the socket is gone). */
export async function endClient(client: MqttClient, clean = false): Promise<void> {
  opened.delete(client);
  if (clean && client.connected) {
    await client.endAsync(false);
    return;
  }
  await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
}

export async function closeAllClients(): Promise<void> {
  await Promise.all([...opened].map((client) => endClient(client)));
}
