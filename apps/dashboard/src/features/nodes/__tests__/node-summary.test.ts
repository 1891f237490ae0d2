import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterNodeInfo } from '@mqdash/contracts';
import { nodesSummary, sortNodes } from '../lib/node-summary';

const node = (name: string, up: boolean): ClusterNodeInfo => ({ name, up, since: '2026-12-03T10:00:00.000Z', connections: up ? 3 : 0, self: false });

test('down nodes come first, then by name; the summary counts up and down', () => {
  const nodes = [node('c', true), node('b', false), node('a', true)];
  assert.deepEqual(sortNodes(nodes).map((n) => n.name), ['b', 'a', 'c']);
  assert.equal(nodesSummary(nodes), '3 nodes: 2 up, 1 down');
  assert.equal(nodesSummary([node('solo', true)]), '1 node: 1 up');
});
