/**
 * The state-changing routes of the EMQX Clients API (seed 004): kick, subscribe, unsubscribe and
 * their bulk forms, for MQTT 3.1.1 and 5.0 clients, live and stored. Real mqtt.js clients prove
 * the effect (messages arrive or stop); bad input changes nothing; everything is audited as the
 * API key.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { NODE, closed, nextMessage, startEmqxServer, waitFor, type EmqxTestServer } from './emqx-helpers.ts';

describe('EMQX client actions', () => {
  let t: EmqxTestServer;
  let publisher: MqttClient;
  const subsOf = async (clientid: string) => (await t.get(`/clients/${clientid}`).expect(200)).body.subscriptions_cnt as number;
  const stored = async (clientName: string) =>
    ((await t.ok('describeMqSessions', { clientNames: [clientName], includeSubscribedTopics: true })).data[0].subscribedTopics as Array<{ topicFilter: string; qos: number; noLocal?: boolean }>);

  before(async () => {
    t = await startEmqxServer();
    publisher = await t.connect('publisher');
  });
  after(() => t.close());

  for (const protocolVersion of [4, 5] as const) {
    test(`subscribe on behalf of an MQTT ${protocolVersion === 5 ? '5.0' : '3.1.1'} client, then it receives; unsubscribe, then it does not`, async () => {
      const id = `sub-v${protocolVersion}`;
      const client = await t.connect(id, { protocolVersion });
      const res = await t.post(`/clients/${id}/subscribe`, { topic: `t/${id}`, qos: 1 }).expect(200);
      assert.deepEqual(res.body, { clientid: id, topic: `t/${id}`, qos: 1, nl: 0, node: NODE, rap: 0, rh: 0 });
      assert.equal(await subsOf(id), 1);
      assert.deepEqual((await stored(id)).map((s) => [s.topicFilter, s.qos]), [[`t/${id}`, 1]]);

      const got = nextMessage(client, `t/${id}`);
      await publisher.publishAsync(`t/${id}`, 'hello', { qos: 1 });
      assert.equal(await got, 'hello', 'the live connection got the subscription');

      await t.post(`/clients/${id}/unsubscribe`, { topic: `t/${id}` }).expect(204);
      assert.equal(await subsOf(id), 0);
      const none = nextMessage(client, `t/${id}`, 300);
      await publisher.publishAsync(`t/${id}`, 'gone', { qos: 1 });
      assert.equal(await none, null, 'no delivery after unsubscribe');

      const audit = t.broker.core.audit.recent(5, id);
      assert.deepEqual(audit.map((e) => [e.actor, e.action, e.errorCode]), [
        ['apikey:emqx-tests', 'subscribeToMq', 0], ['apikey:emqx-tests', 'subscribeToMq', 0],
      ]);
      assert.equal(audit[0]!.details.source, 'emqx');
    });

    test(`bulk subscribe and bulk unsubscribe, MQTT ${protocolVersion === 5 ? '5.0' : '3.1.1'}`, async () => {
      const id = `bulk-v${protocolVersion}`;
      const client = await t.connect(id, { protocolVersion });
      const res = await t.post(`/clients/${id}/subscribe/bulk`, [{ topic: 'b/a', qos: 1 }, { topic: 'b/+/c', qos: 0, rh: 2 }]).expect(200);
      assert.deepEqual(res.body, { data: [
        { clientid: id, topic: 'b/a', qos: 1, nl: 0, node: NODE, rap: 0, rh: 0 },
        { clientid: id, topic: 'b/+/c', qos: 0, nl: 0, node: NODE, rap: 0, rh: 2 },
      ] });
      assert.equal(await subsOf(id), 2);
      const a = nextMessage(client, 'b/a');
      const c = nextMessage(client, 'b/x/c');
      await publisher.publishAsync('b/a', 'A', { qos: 1 });
      await publisher.publishAsync('b/x/c', 'C', { qos: 0 });
      assert.deepEqual([await a, await c], ['A', 'C']);

      await t.post(`/clients/${id}/unsubscribe/bulk`, [{ topic: 'b/a' }, { topic: 'b/+/c' }]).expect(204);
      assert.equal(await subsOf(id), 0);
      assert.deepEqual(await stored(id), []);
      const none = nextMessage(client, 'b/a', 300);
      await publisher.publishAsync('b/a', 'again', { qos: 1 });
      assert.equal(await none, null);
    });
  }

  test('MQTT 5 subscription options nl/rap/rh reach the session', async () => {
    const id = 'opts-v5';
    const client = await t.connect(id);
    await t.post(`/clients/${id}/subscribe`, { topic: 'own/echo', qos: 2, nl: 1, rap: 1, rh: 1 }).expect(200);
    const sub = (await stored(id))[0]!;
    const { topicFilter, qos, noLocal, retainAsPublished, retainHandling, receiveMyMessages, receiveRetainedMessages } = sub as Record<string, unknown>;
    assert.deepEqual({ topicFilter, qos, noLocal, retainAsPublished, retainHandling }, { topicFilter: 'own/echo', qos: 2, noLocal: true, retainAsPublished: true, retainHandling: 1 });
    // The same options under FairCom's names (describeMqSessions, issue 9).
    assert.deepEqual({ receiveMyMessages, receiveRetainedMessages }, { receiveMyMessages: false, receiveRetainedMessages: 'onNewSubscription' });
    // No Local: its own message is not sent back to it.
    const echo = nextMessage(client, 'own/echo', 300);
    await client.publishAsync('own/echo', 'me', { qos: 1 });
    assert.equal(await echo, null);
  });

  test('a stored (offline) session gets the subscription and receives at its next connection', async () => {
    const id = 'offline-v5';
    const first = await t.connect(id, { clean: false, properties: { sessionExpiryInterval: 3600 } });
    await first.endAsync();
    await waitFor(async () => !(await t.get(`/clients/${id}`).expect(200)).body.connected, 'offline');
    await t.post(`/clients/${id}/subscribe`, { topic: 'later/x', qos: 1 }).expect(200);
    assert.equal(await subsOf(id), 1);
    await publisher.publishAsync('later/x', 'queued', { qos: 1 });
    await waitFor(async () => (await t.get(`/clients/${id}`).expect(200)).body.mqueue_len === 1, 'the message queued for it');
    const received: Array<{ topic: string; payload: string }> = [];
    await t.connect(id, { clean: false, properties: { sessionExpiryInterval: 3600 }, received });
    await waitFor(() => received.length > 0, 'the queued message delivered at the next connection');
    assert.deepEqual(received, [{ topic: 'later/x', payload: 'queued' }]);
  });

  test('kick: the client is disconnected and its session is gone (MQTT 3.1.1 and 5.0)', async () => {
    for (const protocolVersion of [4, 5] as const) {
      const id = `kick-v${protocolVersion}`;
      const client = await t.connect(id, { protocolVersion, clean: false, ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0xffffffff } } : {}) });
      await client.subscribeAsync('kick/topic');
      const wasClosed = closed(client);
      await t.del(`/clients/${id}`).expect(204);
      await wasClosed;
      await t.get(`/clients/${id}`).expect(404);
      assert.equal(t.broker.store.getSession(id), undefined, 'removed permanently');
      assert.equal((await t.get(`/clients?clientid=${id}`).expect(200)).body.meta.count, 0);
      const audit = t.broker.core.audit.recent(1, id)[0]!;
      assert.deepEqual([audit.actor, audit.action, audit.errorCode], ['apikey:emqx-tests', 'deleteMqSession', 0]);
      await t.del(`/clients/${id}`).expect(404);
    }
  });

  test('unknown, MQ API and hidden clients: 404 CLIENTID_NOT_FOUND on every route, nothing changes', async () => {
    await t.ok('createMqApiSession', { clientName: 'api-only' });
    await t.connect('hidden-one');
    await t.ok('alterMqSession', { clientName: 'hidden-one', sessionStatus: 'hidden' });
    for (const id of ['ghost', 'api-only', 'hidden-one']) {
      for (const [method, path, body] of [
        ['get', '', undefined], ['del', '', undefined], ['post', '/subscribe', { topic: 'x' }], ['post', '/unsubscribe', { topic: 'x' }],
        ['post', '/subscribe/bulk', [{ topic: 'x' }]], ['post', '/unsubscribe/bulk', [{ topic: 'x' }]],
      ] as const) {
        const req = method === 'post' ? t.post(`/clients/${id}${path}`, body) : t[method](`/clients/${id}${path}`);
        const res = await req.expect(404);
        assert.equal(res.body.code, 'CLIENTID_NOT_FOUND', `${method} ${id}${path}`);
      }
    }
    assert.ok(t.broker.store.getSession('hidden-one'), 'the hidden session was not kicked');
    assert.deepEqual(await stored('api-only'), []);
  });

  test('bad bodies: 400 BAD_REQUEST naming the field, and nothing changes (not even the valid part of a bulk)', async () => {
    const id = 'strict-v5';
    await t.connect(id);
    const cases: Array<[string, unknown, RegExp]> = [
      ['/subscribe', { qos: 1 }, /body\.topic: is required/],
      ['/subscribe', { topic: 't/a', qos: 3 }, /body\.qos: must be at most 2/],
      ['/subscribe', { topic: 't/#/a' }, /body\.topic: topic filter "#" must be a whole level/],
      ['/subscribe', { topic: '$SYS/mqdash/events' }, /body\.topic: topic filters under \$SYS\/ are reserved/],
      ['/subscribe', { topic: 't/a', nl: 2 }, /body\.nl/],
      ['/subscribe', { topic: 't/a', rh: 3 }, /body\.rh: must be at most 2/],
      ['/subscribe', [{ topic: 't/a' }], /body: /],
      ['/subscribe/bulk', [{ topic: 't/a', qos: 1 }, { topic: 't/b', qos: 7 }], /body\[1\]\.qos: must be at most 2/],
      ['/subscribe/bulk', { topic: 't/a' }, /body: /],
      ['/subscribe/bulk', [], /body: must be at least 1 items/],
      ['/unsubscribe', {}, /body\.topic: is required/],
      ['/unsubscribe/bulk', [{ topic: 't/a' }, {}], /body\[1\]\.topic: is required/],
    ];
    for (const [path, body, message] of cases) {
      const res = await t.post(`/clients/${id}${path}`, body).expect(400);
      assert.equal(res.body.code, 'BAD_REQUEST', `${path} ${JSON.stringify(body)}`);
      assert.match(res.body.message, message, `${path} ${JSON.stringify(body)}`);
    }
    const notJson = await t.post(`/clients/${id}/subscribe`).set('Content-Type', 'application/json').send('{"topic":').expect(400);
    assert.equal(notJson.body.code, 'BAD_REQUEST');
    const tooLarge = await t.post(`/clients/${id}/subscribe`, { topic: `t/${'x'.repeat(70 * 1024)}` }).expect(413);
    assert.equal(tooLarge.body.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(await subsOf(id), 0, 'nothing was subscribed');
    assert.deepEqual(t.broker.core.audit.recent(5, id), [], 'nothing reached an action');
  });

  test('unknown routes under /api/v5: 404 with an EMQX error body', async () => {
    const res = await t.get('/no-such-resource').expect(404);
    assert.equal(res.body.code, 'NOT_FOUND');
  });
});
