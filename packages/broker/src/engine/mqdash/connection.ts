/**
 * One network connection (TCP or WebSocket stream): framing and parsing, writing with coalescing,
 * keep-alive, the client's limits (Receive Maximum, Maximum Packet Size, Topic Alias Maximum) and
 * the alias tables of both directions. Protocol decisions are the handlers'; this class only moves
 * packets and closes the stream.
 */
import type { Duplex } from 'node:stream';
import mqttPacket, { type IPublishPacket, type Packet } from 'mqtt-packet';
import { connectProtocol, Framer, validFirstByte } from './framing.ts';
import type { RateLimit } from './rate-limit.ts';
import type { OutgoingMessage, Session, SessionSink } from './session.ts';
import type { ClientInfo } from './types.ts';
import type { PendingWill } from './will.ts';

export interface ConnectionEvents {
  /** A parsed packet; a returned promise holds the next packets back until it settles. */
  packet(connection: Connection, packet: Packet): void | Promise<void>;
  /** A handler threw or its promise rejected; the connection is ended with 0x83. */
  fault(error: unknown): void;
  /** A CONNECT frame of a protocol this engine does not speak. */
  unsupportedProtocol(connection: Connection, level: number): void;
  /** The connection ended (once). `withWill`: the will is to be published. */
  closed(connection: Connection, reasonCode: number, withWill: boolean): void;
}

/** What SharedParser touches of mqtt-packet's parser (9.0.x) besides its public `parse`. */
interface ParserState {
  settings: { protocolVersion?: number };
  error: Error | null;
  _list: { length: number };
  _stateCounter: number;
  _pos: number;
  _resetState(): void;
}

/**
 * One mqtt-packet parser for every connection: a parser with its BufferList stream costs about
 * 4 KB of heap, which an idle connection would hold for nothing. The Framer hands it one whole
 * packet at a time, so a parse runs to its end synchronously (emitting that packet or an error)
 * and leaves nothing behind for the next connection; the protocol version is set before each parse
 * (mqtt-packet takes it from the last CONNECT parsed). A parse started from inside a packet
 * handler (a stream that delivers data synchronously) gets a parser of its own.
 */
class SharedParser {
  private readonly parser = mqttPacket.parser({ protocolVersion: 4 });
  private onPacket: ((packet: Packet) => void) | undefined;
  private onError: (() => void) | undefined;

  constructor() {
    this.parser.on('packet', (packet) => this.onPacket?.(packet));
    this.parser.on('error', () => this.onError?.());
  }

  parse(connection: Connection, frame: Buffer, onPacket: (packet: Packet) => void, onError: () => void): void {
    if (this.onPacket) {
      const own = mqttPacket.parser({ protocolVersion: connection.protocolVersion });
      own.on('packet', onPacket);
      own.on('error', onError);
      own.parse(frame);
      return;
    }
    const state = this.parser as unknown as ParserState;
    state.settings = { protocolVersion: connection.protocolVersion };
    this.onPacket = onPacket;
    this.onError = onError;
    try {
      this.parser.parse(frame);
    } finally {
      this.onPacket = undefined;
      this.onError = undefined;
      // an error leaves the rest of its frame and its read position (which _resetState keeps):
      // the next connection's parse must start from a clean state
      if (state.error || state._list.length > 0 || state._stateCounter !== 0) {
        state._resetState();
        state._pos = 0;
      }
    }
  }
}

const sharedParser = new SharedParser();

export class Connection implements SessionSink {
  protocolVersion: 4 | 5 = 4;
  clientId = '';
  username: string | undefined;
  session: Session | undefined;
  will: PendingWill | undefined;
  /** CONNACK 0 was sent: the connection carries a session. */
  established = false;
  closed = false;
  /** The Session Expiry Interval given at CONNECT (DISCONNECT may not raise 0, MQTT 5 §3.14.2.2.2). */
  connectExpiry = 0;
  receiveMaximum = 65535;
  maximumPacketSize = Number.POSITIVE_INFINITY;
  topicAliasMaximum = 0;
  requestProblemInformation = true;
  /** The keep-alive in force, seconds (the client's, or Server Keep Alive); 0: none. */
  keepAlive = 0;
  /** Inbound QoS 1 PUBLISHes not yet acknowledged (QoS 2 ones are the session's incomingQos2). */
  inboundQos1 = 0;
  /** The client's PUBLISH rate and payload bytes rate limits (set at CONNECT when configured). */
  publishRate: RateLimit | undefined;
  publishBytesRate: RateLimit | undefined;
  readonly inboundAliases = new Map<number, string>();
  private readonly outboundAliases = new Map<string, number>();
  private readonly framer: Framer;
  private backlog: Packet[] = [];
  private busy = false;
  private corked = false;
  private connectSeen = false;
  /** The protocol level the CONNECT frame names, known before the CONNECT handler has run. */
  private framedVersion: 4 | 5 = 4;
  private cachedInfo: ClientInfo | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Runs while the stream's buffer is full (a write returned false) until 'drain'. */
  private drainTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly stream: Duplex,
    private readonly events: ConnectionEvents,
    maximumPacketSize: number,
    connectTimeoutMs: number,
    private readonly maxWriteBufferBytes: number,
    /** A client whose stream stays full this long is cut off (MQTT_DRAIN_TIMEOUT_MS); 0: never. */
    private readonly drainTimeoutMs = 0,
  ) {
    this.framer = new Framer(maximumPacketSize);
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('drain', () => {
      clearTimeout(this.drainTimer);
      this.drainTimer = undefined;
      this.session?.drain();
    });
    stream.on('error', () => this.end(0x80, true));
    stream.on('close', () => this.end(0x80, true));
    stream.on('end', () => this.end(0x80, true));
    // a client that does not send CONNECT in time is closed, so idle sockets hold nothing for long
    this.timer = setTimeout(() => this.disconnect(0x8d), connectTimeoutMs);
  }

  /** What hooks learn of the client; fixed (and kept) once the connection is established. */
  get info(): ClientInfo {
    if (this.cachedInfo) return this.cachedInfo;
    const socket = this.stream as Duplex & { remoteAddress?: string; remotePort?: number };
    const info = {
      clientId: this.clientId,
      protocolVersion: this.protocolVersion,
      username: this.username,
      remoteAddress: socket.remoteAddress,
      remotePort: socket.remotePort,
    };
    if (this.established) this.cachedInfo = info;
    return info;
  }

  get congested(): boolean {
    return this.stream.writableLength > this.maxWriteBufferBytes;
  }

  /** After CONNECT: packets are parsed with the connection's protocol version. */
  setProtocolVersion(version: 4 | 5): void {
    this.protocolVersion = version;
  }

  /** [MQTT-3.1.2-24] the server closes after 1.5 × Keep Alive without a packet; 0 turns it off. */
  startKeepAlive(seconds: number): void {
    this.keepAlive = seconds;
    clearTimeout(this.timer);
    this.timer = seconds > 0 ? setTimeout(() => this.disconnect(0x8d), seconds * 1500) : undefined;
  }

  /** Writes one packet; false (nothing written) when it exceeds the client's Maximum Packet Size. */
  send(packet: Packet): boolean {
    if (this.closed) return false;
    let bytes: Buffer;
    try {
      bytes = mqttPacket.generate(packet, { protocolVersion: this.protocolVersion });
    } catch {
      return false; // a packet mqtt-packet cannot encode (e.g. a property out of range) is not sent
    }
    if (bytes.length > this.maximumPacketSize) return false;
    if (!this.corked) {
      this.corked = true;
      this.stream.cork();
      process.nextTick(() => {
        this.corked = false;
        this.stream.uncork();
      });
    }
    if (!this.stream.write(bytes) && this.drainTimeoutMs > 0 && this.drainTimer === undefined) {
      // a client that stopped reading: its unsent packets must not pile up in memory for ever
      this.drainTimer = setTimeout(() => this.cutOff(), this.drainTimeoutMs);
      this.drainTimer.unref();
    }
    return true;
  }

  /**
   * Writes an acknowledgement (PUBACK, PUBREC, PUBCOMP, SUBACK, UNSUBACK) with a Reason String when
   * the client wants problem information [MQTT-3.1.2-29]; without it when the string would make the
   * packet too large for the client [MQTT-3.4.2-2].
   */
  sendAck(packet: Packet, reasonString: string | undefined): boolean {
    if (this.protocolVersion === 5 && this.requestProblemInformation && reasonString !== undefined) {
      const properties = { ...(packet as { properties?: object }).properties, reasonString };
      if (this.send({ ...packet, properties } as Packet)) return true;
    }
    return this.send(packet);
  }

  sendPublish(outgoing: OutgoingMessage, packetId: number | undefined, dup: boolean): boolean {
    const { message } = outgoing;
    const packet: IPublishPacket = {
      cmd: 'publish',
      topic: message.topic,
      payload: message.payload,
      qos: outgoing.qos,
      retain: outgoing.retain,
      dup,
      messageId: packetId,
    };
    let newAlias: string | undefined;
    if (this.protocolVersion === 5) {
      const properties: NonNullable<IPublishPacket['properties']> = { ...message.properties };
      if (message.expiresAt !== undefined) {
        const left = Math.ceil((message.expiresAt - Date.now()) / 1000);
        // [MQTT-3.3.2-5] not sent once expired; [MQTT-3.3.2-6] forwarded with the time left
        if (left <= 0 && !dup) return false;
        properties.messageExpiryInterval = Math.max(left, 1);
      }
      if (outgoing.subscriptionIds.length > 0) {
        properties.subscriptionIdentifier = outgoing.subscriptionIds.length === 1 ? outgoing.subscriptionIds[0] : outgoing.subscriptionIds;
      }
      newAlias = this.applyOutboundAlias(packet, properties);
      packet.properties = properties;
    }
    const sent = this.send(packet);
    // [MQTT-3.1.2-28] a packet too large for the client is dropped; its alias was never learnt
    if (!sent && newAlias !== undefined) this.outboundAliases.delete(newAlias);
    return sent;
  }

  sendPubrel(packetId: number): void {
    this.send({ cmd: 'pubrel', messageId: packetId });
  }

  /**
   * Ends the connection from the server side: MQTT 5 gets DISCONNECT with the reason first
   * [MQTT-4.13.2-1]; never before a successful CONNACK [MQTT-3.14.0-1]; before CONNACK, or with 3.1.1, the stream is just closed.
   */
  disconnect(reasonCode: number, withWill = true): void {
    if (this.closed) return;
    if (this.protocolVersion === 5 && this.established) this.send({ cmd: 'disconnect', reasonCode });
    this.end(reasonCode, withWill);
  }

  /** Closes the stream after pending writes; reports the end once. */
  end(reasonCode: number, withWill: boolean): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.drainTimer);
    this.backlog = [];
    this.stream.end();
    setTimeout(() => this.stream.destroy(), 1000).unref();
    this.events.closed(this, reasonCode, withWill);
  }

  /**
   * The stream stayed full for the drain timeout: closed at once, pending writes discarded (the
   * will applies). Reason 0x97 Quota exceeded, which the client cannot read through its full buffer.
   */
  private cutOff(): void {
    this.drainTimer = undefined;
    this.end(0x97, true);
    this.stream.destroy();
  }

  /** Topic Alias Maximum of the client > 0: repeated topics go out as aliases (MQTT 5 §3.3.2.3.4). */
  private applyOutboundAlias(packet: IPublishPacket, properties: NonNullable<IPublishPacket['properties']>): string | undefined {
    if (this.topicAliasMaximum === 0) return undefined;
    const known = this.outboundAliases.get(packet.topic);
    if (known !== undefined) {
      properties.topicAlias = known;
      packet.topic = '';
      return undefined;
    }
    if (this.outboundAliases.size >= this.topicAliasMaximum) return undefined;
    const alias = this.outboundAliases.size + 1;
    this.outboundAliases.set(packet.topic, alias);
    properties.topicAlias = alias;
    return packet.topic;
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    if (this.established) this.timer?.refresh();
    this.framer.push(chunk);
    for (;;) {
      // [MQTT-3.1.0-1] the first packet is CONNECT (flags 0 [MQTT-2.2.2-2]), and every packet has a
      // valid type and flags: refused from its first byte, not after waiting for the length it declares
      const first = this.framer.firstByte();
      if (first !== undefined && (this.connectSeen ? !validFirstByte(first, this.framedVersion) : first !== 0x10)) {
        return this.connectSeen ? this.disconnect(0x81) : this.end(0x82, false);
      }
      const frame = this.framer.next();
      if (frame.kind === 'incomplete') return;
      if (frame.kind === 'malformed') return this.disconnect(0x81);
      if (frame.kind === 'too-large') return this.disconnect(0x95); // over the server's Maximum Packet Size (MQTT 5 §3.2.2.3.6)
      if (!this.connectSeen && !this.checkConnectFrame(frame.packet)) return;
      sharedParser.parse(this, frame.packet, (packet) => this.dispatch(packet), () => this.disconnect(0x81)); // malformed [MQTT-4.13.1-1]
      if (this.closed) return;
    }
  }

  /** [MQTT-3.1.0-1] the first packet is CONNECT; [MQTT-3.1.2-1, 3.1.2-2] of a protocol spoken here. */
  private checkConnectFrame(packet: Buffer): boolean {
    if (packet[0]! >> 4 !== 1) {
      this.end(0x82, false);
      return false;
    }
    const protocol = connectProtocol(packet);
    if (!protocol || (protocol.name !== 'MQTT' && protocol.name !== 'MQIsdp')) {
      this.end(0x84, false);
      return false;
    }
    if (protocol.name !== 'MQTT' || (protocol.level !== 4 && protocol.level !== 5)) {
      this.events.unsupportedProtocol(this, protocol.level);
      return false;
    }
    this.connectSeen = true;
    this.framedVersion = protocol.level;
    return true;
  }

  /** Packets are handled one after the other even when a handler waits for a hook. */
  private dispatch(packet: Packet): void {
    if (this.closed) return;
    if (this.busy) {
      this.backlog.push(packet);
      return;
    }
    let pending: void | Promise<void>;
    try {
      pending = this.events.packet(this, packet);
    } catch (error) {
      this.events.fault(error);
      return this.disconnect(0x83); // a fault while handling one client's packet ends that connection only
    }
    if (!pending) return;
    this.busy = true;
    pending.then(
      () => this.resumeBacklog(),
      (error: unknown) => {
        this.events.fault(error);
        this.disconnect(0x83);
      },
    );
  }

  private resumeBacklog(): void {
    this.busy = false;
    while (this.backlog.length > 0 && !this.busy && !this.closed) this.dispatch(this.backlog.shift()!);
  }
}
