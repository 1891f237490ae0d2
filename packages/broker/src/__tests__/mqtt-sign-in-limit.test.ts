/**
 * MQTT passwords through the sign-in limiter (issue 12), with real mqtt.js clients over TCP against
 * a real broker on a real SQLite file: parallel wrong passwords from one address are cut at the
 * free attempts (the rest: CONNACK server unavailable), the account's fleet at other addresses
 * keeps connecting, a success releases, and the failures are in the audit log.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import mqtt, { type IClientOptions } from 'mqtt';
import { defaultSignInLimits } from '../auth/sign-in-limiter.ts';
import { startBroker, type TestBroker } from './helpers.ts';

const PASSWORD = 'fleet-password-123';
const FREE = defaultSignInLimits.perAddressAndAccount.freeAttempts;
let tb: TestBroker;

/**
 * One MQTT 3.1.1 CONNECT from `localAddress` (any 127.x address reaches the loopback listener):
 * the CONNACK return code, 0 when accepted.
 */
function connackFrom(localAddress: string, o: IClientOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = new mqtt.MqttClient(() => net.connect({ port: tb.mqttPort, host: '127.0.0.1', localAddress }), {
      protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 20_000, ...o,
    });
    client.once('connect', () => {
      client.end(true);
      resolve(0);
    });
    client.once('error', (err: Error & { code?: number }) => {
      client.end(true);
      if (typeof err.code === 'number') resolve(err.code);
      else reject(err);
    });
  });
}

before(async () => {
  tb = await startBroker();
  await tb.ok('createMqttUser', { username: 'fleet', password: PASSWORD });
});
after(() => tb.close());

/**
 * Checked attempts the policy allows in `elapsedMs`: the free ones, then one more after each wait
 * (base, 2 × base, …), so a slow machine that spreads the burst out is judged by the same rule.
 */
const allowedIn = (elapsedMs: number) => FREE + Math.floor(Math.log2(elapsedMs / defaultSignInLimits.perAddressAndAccount.baseDelayMs + 1));

test('20 parallel wrong passwords from one address: the free attempts are checked, the rest refused at once', async () => {
  const started = Date.now();
  const codes = await Promise.all(Array.from({ length: 20 }, (_, i) => connackFrom('127.0.0.1', { clientId: `guess-${i}`, username: 'fleet', password: `wrong-${i}` })));
  const checked = codes.filter((c) => c === 4).length;
  assert.ok(checked >= FREE && checked <= allowedIn(Date.now() - started), `bad user name or password for the first ${FREE} only: ${codes.join(',')}`);
  assert.equal(codes.filter((c) => c === 3).length, 20 - checked, 'server unavailable for the rest, without a password check');
  // The right password from this address waits too: it is this address that guessed.
  assert.equal(await connackFrom('127.0.0.1', { clientId: 'fleet-1', username: 'fleet', password: PASSWORD }), 3);
  const refused = tb.broker.registry.get('fleet-1');
  assert.equal(refused, undefined, 'a refused stranger leaves no session');

  const failed = tb.broker.core.audit.recent(100).filter((e) => e.action === 'signInFailed');
  assert.equal(failed.length, checked);
  assert.deepEqual(failed.map((e) => [e.actor, e.target, e.details.source, e.details.realm, e.details.remoteAddress]).slice(0, 1), [['fleet', 'mqttuser:fleet', 'mqtt', 'mqtt', '127.0.0.1']]);
  assert.ok(failed.every((e) => !JSON.stringify(e).includes('wrong-')), 'no password in the audit log');
});

test("the fleet at other addresses keeps connecting: one address's failures never refuse a correct password elsewhere", async () => {
  for (const address of ['127.0.0.2', '127.0.0.3']) {
    assert.equal(await connackFrom(address, { clientId: `fleet-${address}`, username: 'fleet', password: PASSWORD }), 0, address);
    // Cached pairs go through the limiter too, and still connect.
    assert.equal(await connackFrom(address, { clientId: `fleet-${address}`, username: 'fleet', password: PASSWORD }), 0, `${address} again`);
  }
});

test('anonymous clients and CONNECTs without a password check no secret and are not counted', async () => {
  await tb.ok('alterMqttAuthSettings', { allowAnonymous: true });
  for (let i = 0; i < FREE + 2; i++) assert.equal(await connackFrom('127.0.0.4', { clientId: `anon-${i}` }), 0);
  for (let i = 0; i < FREE + 2; i++) assert.equal(await connackFrom('127.0.0.4', { clientId: `nopw-${i}`, username: 'fleet' }), 4);
  assert.equal(await connackFrom('127.0.0.4', { clientId: 'fleet-4', username: 'fleet', password: PASSWORD }), 0);
});

test('a success releases: wrong, right, wrong … from one address never locks it', async () => {
  for (let i = 0; i < FREE + 3; i++) {
    assert.equal(await connackFrom('127.0.0.5', { clientId: 'flaky', username: 'fleet', password: 'typo' }), 4, `wrong ${i}`);
    assert.equal(await connackFrom('127.0.0.5', { clientId: 'flaky', username: 'fleet', password: PASSWORD }), 0, `right ${i}`);
  }
});
