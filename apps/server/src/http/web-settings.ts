import net from 'node:net';
import { z } from 'zod';

/** Express's names for address ranges (proxy-addr), accepted in TRUST_PROXY lists. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** What Express's `trust proxy` setting takes: nothing, everything, a hop count, or addresses and ranges. */
export type TrustProxy = boolean | number | string[];

const isAddressOrRange = (token: string): boolean => {
  if (RANGE_NAMES.has(token)) return true;
  const [ip, bits, extra] = token.split('/');
  const family = net.isIP(ip ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
};

/**
 * METRICS_ALLOW (issue 14): a comma-separated list of addresses and CIDR ranges (IPv4 or IPv6)
 * that may read `/metrics` without an API key, as a Node BlockList (used as an allow list).
 */
export function parseAddressAllowlist(value: string, ctx: z.RefinementCtx): net.BlockList {
  const tokens = value.split(',').map((t) => t.trim()).filter(Boolean);
  const bad = tokens.find((t) => RANGE_NAMES.has(t) || !isAddressOrRange(t));
  if (bad !== undefined || tokens.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `${bad === undefined ? 'is empty' : `${JSON.stringify(bad.slice(0, 60))} is not an IP address or a CIDR range`}; use a comma-separated list such as 127.0.0.1,10.0.0.0/8,::1`,
    });
    return z.NEVER;
  }
  const list = new net.BlockList();
  for (const t of tokens) {
    const [ip, bits] = t.split('/') as [string, string | undefined];
    const type = net.isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(bits), type);
  }
  return list;
}

/** Whether a client address (as Express reports it; IPv4-mapped IPv6 read as IPv4) is in the list. */
export function addressAllowed(list: net.BlockList, address: string | undefined): boolean {
  if (!address) return false;
  const ip = address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
  const family = net.isIP(ip);
  return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * TRUST_PROXY (issue 12): `false` (default: the socket's address is the client's, and only a TLS
 * socket is secure), `true` (every hop; only when nothing but the proxy can reach the port), a
 * number of hops to trust, or a comma-separated list of proxy addresses, CIDR ranges and Express's
 * names `loopback`, `linklocal`, `uniquelocal`.
 */
export function parseTrustProxy(value: string, ctx: z.RefinementCtx): TrustProxy {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === 'off' || v === 'no') return false;
  if (v === 'true' || v === 'on' || v === 'yes') return true;
  if (/^\d+$/.test(v)) return Number(v);
  const tokens = v.split(',').map((t) => t.trim()).filter(Boolean);
  const bad = tokens.find((t) => !isAddressOrRange(t));
  if (bad !== undefined || tokens.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `${bad === undefined ? 'is empty' : `${JSON.stringify(bad.slice(0, 60))} is not an address, a CIDR range or one of loopback, linklocal, uniquelocal`}; `
        + 'use true, false, a number of hops, or a comma-separated list',
    });
    return z.NEVER;
  }
  return tokens;
}

/** A host name as compared: lower case, no trailing dot, IPv6 without brackets. */
export function normalizeHostname(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

const HOSTNAME = /^\.?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/**
 * ALLOWED_HOSTS (issue 12): a comma- or space-separated list of host names the HTTP server answers
 * to (ports are not compared). `.example.com` matches that domain and its subdomains; `*` matches
 * any host (turns the check off).
 */
export function parseAllowedHosts(value: string, ctx: z.RefinementCtx): string[] {
  const entries = value.split(/[\s,]+/).filter(Boolean).map((e) => (e === '*' ? e : normalizeHostname(e)));
  const bad = entries.find((e) => e !== '*' && net.isIP(e) === 0 && !HOSTNAME.test(e));
  if (bad !== undefined || entries.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: bad === undefined ? 'is empty; list host names, or leave it unset' : `${JSON.stringify(bad.slice(0, 60))} is not a host name (no scheme, path or port)`,
    });
    return z.NEVER;
  }
  return entries;
}
