import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLabelText } from '../lib/label-text.ts';

test('typed label text reads "group / name"; without the separator it is a name in the empty group', () => {
  assert.deepEqual(parseLabelText('energy / gas'), { group: 'energy', name: 'gas' });
  assert.deepEqual(parseLabelText('site/north / line 1'), { group: 'site/north', name: 'line 1' });
  assert.deepEqual(parseLabelText(' meters '), { group: '', name: 'meters' });
});
