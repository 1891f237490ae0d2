/** Issue 13's IP filter: an address or CIDR range, IPv4 and IPv6, as the sessions list and the dashboard read it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipFilterSchema, parseIpFilter } from '../ip-filter.ts';

test('a CIDR range runs from its network address to its last address', () => {
  const r = (s: string) => {
    const { kind, first, last } = parseIpFilter(s);
    return { kind, first, last };
  };
  assert.deepEqual(r('10.1.2.3/8'), { kind: 'ipv4', first: '10.0.0.0', last: '10.255.255.255' });
  assert.deepEqual(r('192.168.7.9/23'), { kind: 'ipv4', first: '192.168.6.0', last: '192.168.7.255' });
  assert.deepEqual(r('0.0.0.0/0'), { kind: 'ipv4', first: '0.0.0.0', last: '255.255.255.255' });
  assert.deepEqual(r('127.0.0.1'), { kind: 'ipv4', first: '127.0.0.1', last: '127.0.0.1' });
  assert.deepEqual(r('2001:db8::/32'), { kind: 'ipv6', first: '2001:db8:0:0:0:0:0:0', last: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff' });
  assert.deepEqual(r('::1'), { kind: 'ipv6', first: '0:0:0:0:0:0:0:1', last: '0:0:0:0:0:0:0:1' });
  assert.deepEqual(r('::ffff:10.0.0.0/104'), { kind: 'ipv4', first: '10.0.0.0', last: '10.255.255.255' });
});

test('contains() answers for addresses as sessions record them', () => {
  const v4 = parseIpFilter('10.0.0.0/8');
  assert.equal(v4.contains('10.20.30.40'), true);
  assert.equal(v4.contains('11.0.0.1'), false);
  assert.equal(v4.contains('2001:db8::1'), false);
  assert.equal(v4.contains(null), false);
  assert.equal(v4.contains('not an address'), false);
  const v6 = parseIpFilter('2001:DB8::/48');
  assert.equal(v6.contains('2001:db8:0:ffff::1'), true);
  assert.equal(v6.contains('2001:db8:1::1'), false);
});

test('anything else is refused, saying why', () => {
  for (const [bad, why] of [
    ['10.0.0.0/33', /from 0 to 32/], ['10/8', /not an IPv4 or IPv6 address/], ['256.0.0.1', /not an IPv4 or IPv6 address/],
    ['2001:db8::/129', /from 0 to 128/], ['fe80::1%eth0', /zone id/], ['10.0.0.0/8/8', /prefix length/], ['10.0.0.0/', /prefix length/],
  ] as const) {
    assert.throws(() => parseIpFilter(bad), why, bad);
    const r = ipFilterSchema.safeParse(bad);
    assert.equal(r.success, false, bad);
  }
});
