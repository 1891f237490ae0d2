/**
 * EMQX 5's ban list API (`/api/v5/banned`) with the requests and responses EMQX documents, sent
 * unchanged to a real server: POST the documented body, GET with `page`/`limit` and `meta`,
 * DELETE `/{as}/{who}`; a ban refuses a real MQTT client and disconnects a connected one.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closed, startEmqxServer, type EmqxTestServer } from './emqx-helpers.ts';

describe('EMQX banned API', () => {
  let t: EmqxTestServer;

  before(async () => {
    t = await startEmqxServer();
  });
  after(async () => {
    await t?.close();
  });

  test('POST /banned with the documented body answers the ban in EMQX\'s shape; GET lists it with meta', async () => {
    // EMQX 5 API reference, POST /banned request example, unchanged.
    const documented = { as: 'username', at: '2021-10-25T21:48:47+08:00', by: 'mgmt_api', reason: 'Too many requests', until: '2030-11-11T10:24:00+08:00', who: 'Banned name' };
    const r = await t.post('/banned', documented).expect(200);
    assert.deepEqual(Object.keys(r.body).sort(), ['as', 'at', 'by', 'reason', 'until', 'who']);
    assert.equal(r.body.as, 'username');
    assert.equal(r.body.who, 'Banned name');
    assert.equal(r.body.reason, 'Too many requests');
    assert.equal(r.body.until, '2030-11-11T02:24:00.000+00:00');
    assert.equal(r.body.by, 'apikey:emqx-tests');
    assert.match(r.body.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);

    const again = await t.post('/banned', documented).expect(400);
    assert.equal(again.body.code, 'ALREADY_EXISTS');

    await t.post('/banned', { as: 'clientid', who: 'flapper' }).expect(200).expect((res) => assert.equal(res.body.until, 'infinity'));
    await t.post('/banned', { as: 'peerhost_net', who: '192.168.0.0/16', until: 1924905600 }).expect(200);
    const page = await t.get('/banned?page=1&limit=2').expect(200);
    assert.deepEqual(page.body.meta, { page: 1, limit: 2, count: 3, hasnext: true });
    assert.deepEqual(page.body.data.map((b: { as: string }) => b.as), ['username', 'clientid']);
    const p2 = await t.get('/banned?page=2&limit=2').expect(200);
    assert.deepEqual(p2.body.meta, { page: 2, limit: 2, count: 3, hasnext: false });
    assert.equal(p2.body.data[0].until, '2030-12-31T00:00:00.000+00:00');
    const one = await t.get('/banned?clientid=flapper').expect(200);
    assert.equal(one.body.meta.count, 1);
  });

  test('DELETE /banned/{as}/{who}: 204, then 404; a CIDR range in the path is URL-encoded', async () => {
    await t.del('/banned/clientid/flapper').expect(204);
    const gone = await t.del('/banned/clientid/flapper').expect(404);
    assert.equal(gone.body.code, 'NOT_FOUND');
    await t.del(`/banned/peerhost_net/${encodeURIComponent('192.168.0.0/16')}`).expect(204);
    const bad = await t.del('/banned/nickname/x').expect(400);
    assert.match(bad.body.message, /^as: must be one of/);
  });

  test('bad bodies are 400 naming the field', async () => {
    for (const [body, field] of [[{ as: 'clientid' }, 'who'], [{ as: 'ip', who: 'x' }, 'as'], [{ as: 'peerhost', who: '10.0.0.0/8' }, 'value'], [{ as: 'clientid', who: 'x', until: '2001-01-01T00:00:00Z' }, 'expiresDateTime']] as const) {
      const r = await t.post('/banned', body).expect(400);
      assert.equal(r.body.code, 'BAD_REQUEST');
      assert.match(r.body.message, new RegExp(`^(body\\.)?${field}`), r.body.message);
    }
  });

  test('a ban made here refuses the client at CONNECT and disconnects it when connected', async () => {
    const c = await t.connect('emqx-banned-dev');
    const gone = closed(c);
    await t.post('/banned', { as: 'clientid', who: 'emqx-banned-dev', reason: 'test' }).expect(200);
    await gone;
    await assert.rejects(t.connect('emqx-banned-dev'), (err: Error & { code?: number }) => err.code === 0x8a);
    await t.del('/banned/clientid/emqx-banned-dev').expect(204);
    (await t.connect('emqx-banned-dev')).end(true);
  });
});
