import net from 'node:net';

/**
 * A key that sorts IP addresses in address order as text (so `sortAscending: "ipAddress"` is an
 * indexed ORDER BY): IPv4 as four zero-padded decimals ("127.000.000.010"), IPv6 after all IPv4
 * as "~" + eight zero-padded hex groups. Anything else sorts last, as itself.
 */
export function ipSortKey(ip: string | null): string | null {
  if (ip === null) return null;
  if (net.isIPv4(ip)) return ip.split('.').map((o) => o.padStart(3, '0')).join('.');
  if (net.isIPv6(ip)) {
    const [head = '', tail = ''] = ip.split('::') as [string, string?];
    const h = head ? head.split(':') : [];
    const t = ip.includes('::') && tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return `~${groups.map((g) => g.padStart(4, '0')).join(':')}`;
  }
  return `~~${ip}`;
}
