import net from 'node:net';
import tls from 'node:tls';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { BrokerEngine } from './broker-engine.ts';

/**
 * Coalesces what is written to a socket during one turn of the event loop into one system call.
 * aedes writes every outgoing packet on its own (each delivery in its own setImmediate), so a
 * subscriber receiving 100,000 messages a second costs 100,000 writev calls, the largest item in
 * the broker's profile. The socket is corked at the first write of a turn and uncorked in the next
 * check phase: packets leave in order, at most one loop turn later (well under a millisecond when
 * busy), and backpressure is unchanged (`write()` still answers false past the high-water mark, and
 * 'drain' follows the flush).
 */
export function coalesceWrites(socket: net.Socket): void {
  const write = socket.write;
  let corked = false;
  const flush = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function coalescedWrite(this: net.Socket, ...args: Parameters<net.Socket['write']>) {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(flush);
    }
    return write.apply(this, args);
  } as net.Socket['write'];
}

/**
 * The MQTT user name a connection's transport vouches for: the CN of a verified client certificate
 * on an MQTTS listener with `certificateUsername` (TLS_CERT_CN_AS_USERNAME). Both engines read it
 * at CONNECT (`certificateUsernameOf`): it replaces the CONNECT's user name and password.
 */
const certificateUsernames = new WeakMap<Duplex, string>();

export function certificateUsernameOf(stream: Duplex | undefined): string | undefined {
  return stream ? certificateUsernames.get(stream) : undefined;
}

/** The CN of the verified peer certificate of a TLS socket; undefined when none, unverified or without CN. */
export function verifiedCommonName(socket: tls.TLSSocket): string | undefined {
  if (!socket.authorized) return undefined;
  const cn = socket.getPeerCertificate().subject?.CN as string | string[] | undefined;
  const name = Array.isArray(cn) ? cn[0] : cn;
  return name && name.length > 0 ? name : undefined;
}

export interface TlsListenerOptions {
  /** Certificate, key, CA and client certificate policy (node:tls createServer options). */
  secure: tls.TlsOptions;
  /** Use the verified client certificate's CN as the MQTT user name (TLS_CERT_CN_AS_USERNAME). */
  certificateUsername?: boolean;
}

function serveMqtt(engine: BrokerEngine, socket: net.Socket): void {
  socket.setNoDelay(true);
  coalesceWrites(socket);
  engine.handle(socket);
}

/** MQTT over TCP (3.1.1 and 5.0). Resolves once listening. */
export function listenTcp(engine: BrokerEngine, port: number, host: string): Promise<net.Server> {
  return listen(net.createServer((socket) => serveMqtt(engine, socket)), port, host);
}

/**
 * MQTT over TLS (MQTTS_PORT). A client that fails the handshake (no or an untrusted certificate when
 * one is required) never reaches the engine. `server.setSecureContext` swaps the certificate for
 * new connections; open ones keep theirs (SIGHUP reload).
 */
export function listenTls(engine: BrokerEngine, port: number, host: string, o: TlsListenerOptions): Promise<tls.Server> {
  const server = tls.createServer(o.secure, (socket) => {
    const cn = o.certificateUsername ? verifiedCommonName(socket) : undefined;
    if (cn !== undefined) certificateUsernames.set(socket, cn);
    serveMqtt(engine, socket);
  });
  // A failed handshake (a port scan, a refused certificate) concerns that socket only.
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  return listen(server, port, host);
}

function listen<S extends net.Server>(server: S, port: number, host: string): Promise<S> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export interface WebSocketOptions {
  /**
   * Decides an upgrade before it is accepted (issue 12: the server's Host and Origin check): the
   * refusal reason, answered 403, or null to accept. Default: accept.
   */
  verifyUpgrade?: (req: IncomingMessage) => string | null;
}

/**
 * MQTT over WebSocket at `path` on an existing HTTP server (DESIGN §2: `/mqtt` on the HTTP port).
 * A frame over `maxPayload` closes that connection only.
 */
export function attachWebSocket(engine: BrokerEngine, server: HttpServer, path: string, maxPayload: number, o: WebSocketOptions = {}): WebSocketServer {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload,
    // mqtt.js offers "mqtt"; MQTT 3.1 clients may offer "mqttv3.1".
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false),
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) {
      socket.destroy();
      return;
    }
    const refusal = o.verifyUpgrade?.(req);
    if (refusal) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(refusal) + 1}\r\n\r\n${refusal}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => stream.destroy());
      engine.handle(stream, req);
    });
  });
  return wss;
}
