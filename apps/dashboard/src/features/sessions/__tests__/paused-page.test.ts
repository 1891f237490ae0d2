import type { SessionListRow, SessionsPage } from '@mqdash/contracts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countPageChanges } from '../lib/paused-page.ts';

const row = (clientName: string, more: Partial<SessionListRow> = {}) => ({ clientName, connectionStatus: 'connected', sessionHealth: 'healthy', ...more }) as SessionListRow;
const pageOf = (rows: SessionListRow[]): SessionsPage => ({ rows, total: rows.length, page: 0, pageSize: 50 });

test('a frozen page counts added, removed and changed sessions; a move or an equal copy is no change', () => {
  const a = row('a');
  const b = row('b');
  const c = row('c');
  const shown = pageOf([a, b, c]);
  assert.equal(countPageChanges(shown, shown), 0);
  // A refetch: new objects, same content, another order.
  assert.equal(countPageChanges(shown, pageOf([row('c'), row('a'), row('b')])), 0);
  assert.equal(countPageChanges(shown, pageOf([a, { ...b, connectionStatus: 'disconnected' }, c])), 1);
  // d arrives, c falls off the page, a changed: three changes.
  assert.equal(countPageChanges(shown, pageOf([row('d'), { ...a, sessionHealth: 'unhealthy' }, b])), 3);
});
