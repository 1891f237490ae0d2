import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LABEL_COLOR, type LabelInfo } from '@mqdash/contracts';
import { groupLabels } from '../lib/group-labels.ts';
import { colorName, labelColor, labelPalette, withColor } from '../lib/label-color.ts';

const label = (group: string, name: string, metadata?: unknown): LabelInfo => ({
  id: 0, group, name, value: null, enum: 0, sequence: 0, deprecated: false, metadata, createdDateTime: '', sessionCount: 0,
});

test('every palette colour is one the contract accepts in metadata.color', () => {
  for (const p of labelPalette) assert.match(p.hex, LABEL_COLOR);
});

test('labelColor reads metadata.color only from an object holding a string', () => {
  assert.equal(labelColor(label('', 'a', { color: '#2563eb' })), '#2563eb');
  assert.equal(labelColor(label('', 'a', { color: 3 })), undefined);
  assert.equal(labelColor(label('', 'a', ['#fff'])), undefined);
  assert.equal(labelColor(label('', 'a')), undefined);
});

test('withColor keeps the rest of the metadata; a non-object becomes an object', () => {
  assert.deepEqual(withColor({ owner: 'ops', color: '#000' }, '#16a34a'), { owner: 'ops', color: '#16a34a' });
  assert.deepEqual(withColor('text', '#16a34a'), { color: '#16a34a' });
});

test('colorName names palette colours in any letter case, and falls back to the hex', () => {
  assert.equal(colorName('#2563EB'), 'Blue');
  assert.equal(colorName('#123456'), '#123456');
});

test('groupLabels keeps the server order within and across groups', () => {
  const groups = groupLabels([label('', 'x'), label('energy', 'gas'), label('energy', 'meters'), label('site', 'north')]);
  assert.deepEqual(groups.map((g) => [g.group, g.labels.map((l) => l.name)]), [['', ['x']], ['energy', ['gas', 'meters']], ['site', ['north']]]);
});
