/**
 * Test helpers for the engine standalone: a real TCP listener on 127.0.0.1:0, real mqtt.js clients
 * and raw clients that speak packets built with mqtt-packet (for what mqtt.js hides).
 */
import net from 'node:net';
import mqtt, { type IClientOptions, type IConnackPacket, type MqttClient } from 'mqtt';
import mqttPacket, { type Packet, type PacketCmd } from 'mqtt-packet';
import type { Bus } from '../bus.ts';
import { Engine } from '../engine.ts';
import type { SessionStore } from '../persistence.ts';
import type { EngineOptions } from '../types.ts';

export interface TestServer {
  engine: Engine;
  port: number;
  /** An mqtt.js client, resolved at CONNACK (refusals reject with the CONNACK's code). */
  connect(options?: IClientOptions): Promise<TestClient>;
  raw(protocolVersion?: 4 | 5): Promise<RawClient>;
  close(): Promise<void>;
}

export interface TestClient extends MqttClient {
  connack: IConnackPacket;
  /** Every message received since the connection opened (queued ones arrive right after CONNACK). */
  received: Received[];
}

/** An engine on a listener; with a store, the sessions it holds are restored first. */
export async function startEngine(options: EngineOptions = {}, store?: SessionStore, bus?: Bus): Promise<TestServer> {
  const engine = new Engine(options, bus, store);
  if (store) await engine.restore();
  const sockets = new Set<net.Socket>();
  const clients = new Set<MqttClient>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    engine.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    engine,
    port,
    connect: (clientOptions = {}) =>
      new Promise((resolve, reject) => {
        const client = mqtt.connect({ host: '127.0.0.1', port, reconnectPeriod: 0, connectTimeout: 5000, ...clientOptions }) as TestClient;
        clients.add(client);
        client.received = collect(client);
        client.once('connect', (connack) => {
          client.connack = connack;
          resolve(client);
        });
        client.once('error', (error) => {
          client.end(true);
          reject(error);
        });
      }),
    raw: (protocolVersion = 5) => RawClient.open(port, protocolVersion),
    close: async () => {
      for (const client of clients) client.end(true);
      await engine.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A client that writes and reads packets as they are, for the cases mqtt.js will not produce. */
export class RawClient {
  readonly packets: Packet[] = [];
  closed = false;
  private readonly parser;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly socket: net.Socket,
    readonly protocolVersion: 4 | 5,
  ) {
    this.parser = mqttPacket.parser({ protocolVersion });
    this.parser.on('packet', (packet) => {
      this.packets.push(packet);
      this.wake();
    });
    socket.on('data', (chunk) => this.parser.parse(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number, protocolVersion: 4 | 5): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawClient(socket, protocolVersion)));
      socket.once('error', reject);
    });
  }

  send(packet: Packet): void {
    this.socket.write(mqttPacket.generate(packet, { protocolVersion: this.protocolVersion }));
  }

  writeBytes(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** CONNECT with this client's protocol version; resolves with the CONNACK. */
  async connect(clientId: string, extra: Partial<mqttPacket.IConnectPacket> = {}): Promise<mqttPacket.IConnackPacket> {
    this.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: this.protocolVersion, clientId, clean: true, keepalive: 60, ...extra });
    return (await this.next('connack')) as mqttPacket.IConnackPacket;
  }

  /** SUBSCRIBE to one filter; resolves with the SUBACK. */
  subscribe(topic: string, qos: mqttPacket.QoS, extra: Partial<mqttPacket.ISubscribePacket> = {}): Promise<mqttPacket.ISubackPacket> {
    return this.subscribeAll([{ topic, qos }], extra);
  }

  /** One SUBSCRIBE with several filters; resolves with the SUBACK. */
  subscribeAll(subscriptions: mqttPacket.ISubscription[], extra: Partial<mqttPacket.ISubscribePacket> = {}): Promise<mqttPacket.ISubackPacket> {
    this.send({ cmd: 'subscribe', messageId: 1, subscriptions, ...extra });
    return this.next('suback');
  }

  /** Waits for the server's DISCONNECT and the close; resolves with the reason code. */
  async disconnectReason(): Promise<number | undefined> {
    const { reasonCode } = await this.next('disconnect');
    await this.whenClosed();
    return reasonCode;
  }

  /** Takes the first received packet of that type (waits for it). */
  async next<C extends PacketCmd>(cmd: C, timeoutMs = 3000): Promise<Extract<Packet, { cmd: C }>> {
    await this.until(() => this.packets.some((p) => p.cmd === cmd), timeoutMs, `a ${cmd}`);
    const index = this.packets.findIndex((p) => p.cmd === cmd);
    return this.packets.splice(index, 1)[0] as Extract<Packet, { cmd: C }>;
  }

  /** Waits for the server to close the connection. */
  async whenClosed(timeoutMs = 3000): Promise<void> {
    await this.until(() => this.closed, timeoutMs, 'the close');
  }

  /** A PINGREQ round trip: whatever the server wrote before answering it has arrived. */
  async sync(): Promise<void> {
    this.send({ cmd: 'pingreq' });
    await this.next('pingresp');
  }

  /** Whether a packet of that type has arrived by the time a PINGRESP proves the server caught up. */
  async receivedBeforePing(cmd: PacketCmd): Promise<boolean> {
    await this.sync();
    return this.packets.some((p) => p.cmd === cmd);
  }

  /** Stops reading, as a slow or stuck client does (the server's writes pile up). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(): void {
    this.socket.destroy();
  }

  private until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${this.packets.map((p) => p.cmd).join(',')}`)), timeoutMs);
      const check = () => {
        if (!condition()) return void this.waiters.push(check);
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** CONNECT fields of an MQTT 5 session that outlives its connection by a minute. */
export const persistent = { clean: false, properties: { sessionExpiryInterval: 60 } };

/** Polls a condition (every 5 ms) until it holds or the time is up. */
export async function waitFor(condition: () => boolean, timeoutMs = 3000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface Received {
  topic: string;
  text: string;
  packet: mqttPacket.IPublishPacket;
}

/** Every message an mqtt.js client receives (since it connected, for the helpers' clients). */
export function collect(client: MqttClient): Received[] {
  const known = (client as MqttClient & { received?: Received[] }).received;
  if (known) return known;
  const got: Received[] = [];
  client.on('message', (topic, payload, packet) => got.push({ topic, text: payload.toString(), packet: packet as mqttPacket.IPublishPacket }));
  return got;
}

/** Resolves when an mqtt.js client's connection has closed. */
export function closed(client: MqttClient): Promise<void> {
  if (!client.connected && client.disconnected) return Promise.resolve();
  return new Promise((resolve) => client.once('close', () => resolve()));
}
