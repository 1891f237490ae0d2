import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * An IP address or CIDR range (IPv4 and IPv6), as the sessions list's IP filter takes it (issue 13).
 * Parsed with ipaddr.js; IPv4 only in its four-part decimal form ("10.0.0.0/8", never "10/8"), and
 * an IPv4-mapped IPv6 range (`::ffff:10.0.0.0/104`) is its IPv4 range, as the broker records
 * IPv4 clients reaching a dual-stack listener by their IPv4 address.
 */
export interface IpRange {
  kind: 'ipv4' | 'ipv6';
  /** The lowest and highest address of the range, as ipaddr.js writes them (IPv6 uncompressed). */
  first: string;
  last: string;
  /** Whether an address (as sessions record it) lies in the range. */
  contains(ip: string | null | undefined): boolean;
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

function parseAddress(text: string): Address {
  if (text.includes('%')) throw new Error('an IPv6 zone id is not allowed');
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (ipaddr.IPv6.isValid(text)) {
    const v6 = ipaddr.IPv6.parse(text);
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
  }
  throw new Error(`"${text}" is not an IPv4 or IPv6 address`);
}

const text = (a: Address) => (a.kind() === 'ipv6' ? a.toNormalizedString() : a.toString());

/** "a.b.c.d", "a.b.c.d/n", an IPv6 address or "ipv6/n" → its range; throws an Error saying what is wrong. */
export function parseIpFilter(filter: string): IpRange {
  const slash = filter.indexOf('/');
  const addressText = slash === -1 ? filter.trim() : filter.slice(0, slash).trim();
  let address = parseAddress(addressText);
  const max = address.kind() === 'ipv4' ? 32 : 128;
  let bits = max;
  if (slash !== -1) {
    const prefix = filter.slice(slash + 1).trim();
    const mapped = addressText.includes(':') && address.kind() === 'ipv4';
    const limit = mapped ? 128 : max;
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > limit) throw new Error(`the prefix length "/${prefix}" must be a whole number from 0 to ${limit}`);
    bits = mapped ? Number(prefix) - 96 : Number(prefix);
    if (bits < 0) {
      // A mapped range wider than ::ffff:0:0/96 reaches beyond IPv4: take it as the IPv6 range it is.
      address = ipaddr.IPv6.parse(addressText);
      bits = Number(prefix);
    }
  }
  const bytes = address.toByteArray();
  const low = bytes.map((b, i) => b & maskByte(bits, i));
  const high = bytes.map((b, i) => (b | ~maskByte(bits, i)) & 0xff);
  const network = ipaddr.fromByteArray(low);
  return {
    kind: address.kind(),
    first: text(network),
    last: text(ipaddr.fromByteArray(high)),
    contains(ip) {
      if (!ip) return false;
      let a: Address;
      try {
        a = parseAddress(ip);
      } catch {
        return false;
      }
      return a.kind() === network.kind() && (a as ipaddr.IPv4).match(network as ipaddr.IPv4, bits);
    },
  };
}

/** The network mask's byte `i` for a prefix of `bits`. */
function maskByte(bits: number, i: number): number {
  const rest = bits - i * 8;
  return rest >= 8 ? 0xff : rest <= 0 ? 0 : (0xff << (8 - rest)) & 0xff;
}

/** An IP address or CIDR range; the error says why a value is not one. */
export const ipFilterSchema = z.string().superRefine((s, ctx) => {
  try {
    parseIpFilter(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: `must be an IP address or CIDR range such as 10.0.0.0/8 or 2001:db8::/32: ${(err as Error).message}` });
  }
});
