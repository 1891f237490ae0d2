import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandFor, shortcutList, type KeyInput } from '../keys.ts';

const key = (k: string, more: Partial<KeyInput> = {}): KeyInput => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, inTable: false, typing: false, afterG: false, ...more });

test('single keys map to their commands', () => {
  assert.deepEqual(commandFor(key('/')), { kind: 'search' });
  assert.deepEqual(commandFor(key('?')), { kind: 'help' });
  assert.deepEqual(commandFor(key('j')), { kind: 'row', step: 1 });
  assert.deepEqual(commandFor(key('k')), { kind: 'row', step: -1 });
  assert.deepEqual(commandFor(key('g')), { kind: 'prefix' });
  assert.equal(commandFor(key('x')), null);
});

test('no single-key shortcut fires while typing, nor with a modifier; Ctrl+K and ⌘K open the palette even then', () => {
  for (const k of ['/', '?', 'j', 'k', 'g', 'ArrowDown']) assert.equal(commandFor(key(k, { typing: true, inTable: true })), null, k);
  assert.equal(commandFor(key('j', { ctrlKey: true })), null);
  assert.equal(commandFor(key('/', { altKey: true })), null);
  assert.deepEqual(commandFor(key('k', { ctrlKey: true, typing: true })), { kind: 'palette' });
  assert.deepEqual(commandFor(key('K', { metaKey: true })), { kind: 'palette' });
  assert.equal(commandFor(key('k', { ctrlKey: true, altKey: true })), null);
});

test('arrows move between rows only inside the table; g then a letter goes to a screen', () => {
  assert.equal(commandFor(key('ArrowDown')), null);
  assert.deepEqual(commandFor(key('ArrowDown', { inTable: true })), { kind: 'row', step: 1 });
  assert.deepEqual(commandFor(key('ArrowUp', { inTable: true })), { kind: 'row', step: -1 });
  assert.deepEqual(commandFor(key('o', { afterG: true })), { kind: 'go', to: '/overview' });
  assert.deepEqual(commandFor(key('s', { afterG: true })), { kind: 'go', to: '/sessions' });
  assert.deepEqual(commandFor(key('t', { afterG: true })), { kind: 'go', to: '/settings' });
  assert.deepEqual(commandFor(key('n', { afterG: true })), { kind: 'go', to: '/nodes' });
  assert.equal(commandFor(key('z', { afterG: true })), null);
  // The help lists every g-letter the handler knows.
  assert.equal(shortcutList.filter((s) => s.keys[0] === 'g').length, 6);
});
