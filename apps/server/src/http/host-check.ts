import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { normalizeHostname } from './web-settings.ts';

/** Addresses that listen on every interface: the configured host says nothing about the name clients use. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '::0', '0:0:0:0:0:0:0:0', '*']);
const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1'];
/** Load balancers and monitoring call these by address, under any name (issue 12). */
export const HOST_CHECK_EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);

/** Which Host names the HTTP server answers to (DNS rebinding defence). */
export interface HostPolicy {
  /** The names, or null when every name is accepted. */
  readonly hosts: readonly string[] | null;
  allows(hostname: string): boolean;
}

/**
 * ALLOWED_HOSTS when set; otherwise HOST and the localhost names, or no check at all when HOST is a
 * wildcard (0.0.0.0, ::), since then the names the server is reached by are unknown (issue 12).
 */
export function hostPolicy(host: string, allowedHosts?: readonly string[]): HostPolicy {
  const hosts = allowedHosts ?? (WILDCARD_HOSTS.has(normalizeHostname(host)) ? null : [normalizeHostname(host), ...LOCAL_NAMES]);
  if (hosts === null || hosts.includes('*')) return { hosts: null, allows: () => true };
  const exact = new Set(hosts.filter((h) => !h.startsWith('.')));
  const suffixes = hosts.filter((h) => h.startsWith('.'));
  return {
    hosts,
    allows: (hostname) => {
      const h = normalizeHostname(hostname);
      return exact.has(h) || suffixes.some((s) => h === s.slice(1) || h.endsWith(s));
    },
  };
}

/** The host name of a Host header value (`name:port`, `[v6]:port`). */
export function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  // More than one colon without brackets: a bare IPv6 address, no port.
  return colon >= 0 && h.indexOf(':', colon + 1) < 0 ? h.slice(0, colon) : h;
}

/**
 * Refuses requests whose Host is not allowed (403), before any route runs; the health and metrics
 * paths are exempt. Express's `req.hostname` follows X-Forwarded-Host from a trusted proxy.
 */
export function requireAllowedHost(policy: HostPolicy) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (policy.hosts === null || HOST_CHECK_EXEMPT.has(req.path)) return next();
    // HTTP/1.0 may omit Host; a browser never does, so it cannot carry a rebinding attack.
    if (req.headers.host === undefined || policy.allows(req.hostname ?? '')) return next();
    res.status(403).json({ error: 'HOST_NOT_ALLOWED', message: `this server does not answer to the host name ${JSON.stringify(String(req.hostname).slice(0, 100))}; its administrator can add it to ALLOWED_HOSTS` });
  };
}

/** Express's compiled `trust proxy` test: whether the hop at `i` (0: the socket's peer) is a trusted proxy. */
export type TrustFn = (address: string, i: number) => boolean;

/**
 * The check of a WebSocket upgrade on `/mqtt` (issue 12), which Express middleware never sees:
 * the Host must be allowed as for any request, and a browser's Origin must be this server (same
 * host and port) or an allowed host, so no other site's page can open an MQTT connection with the
 * visitor's network position. Clients that send no Origin (devices, mqtt.js in Node) are not
 * browsers and pass. Returns the refusal reason, or null to accept.
 */
export function upgradeGuard(policy: HostPolicy, trust: TrustFn) {
  return (req: IncomingMessage): string | null => {
    const forwarded = req.headers['x-forwarded-host'];
    const viaProxy = typeof forwarded === 'string' && trust(req.socket.remoteAddress ?? '', 0);
    const hostHeader = viaProxy ? forwarded.split(',')[0]!.trim() : req.headers.host;
    if (hostHeader !== undefined && policy.hosts !== null && !policy.allows(hostnameOf(hostHeader)))
      return `host name ${JSON.stringify(hostnameOf(hostHeader).slice(0, 100))} is not allowed`;
    const origin = req.headers.origin;
    if (origin === undefined) return null;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return `Origin ${JSON.stringify(origin.slice(0, 100))} is not a web origin`;
    }
    if (hostHeader !== undefined && url.host === hostHeader.toLowerCase()) return null;
    if (policy.hosts !== null && policy.allows(url.hostname)) return null;
    return `Origin ${JSON.stringify(origin.slice(0, 100))} is not this server or an allowed host`;
  };
}
