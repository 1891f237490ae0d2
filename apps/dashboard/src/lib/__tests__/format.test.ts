import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactBytes, formatBytes, formatSecondsInWords } from '../format.ts';

test('seconds read as days, hours and minutes, at most two units (issue 13)', () => {
  assert.equal(formatSecondsInWords(86_400), '1 day');
  assert.equal(formatSecondsInWords(60), '1 minute');
  assert.equal(formatSecondsInWords(90), '1 minute 30 seconds');
  assert.equal(formatSecondsInWords(93_784), '1 day 2 hours');
  assert.equal(formatSecondsInWords(86_401), '1 day', 'a unit of 0 ends the figure: no "1 day 0 hours 1 second"');
  assert.equal(formatSecondsInWords(0), '0 seconds');
  assert.equal(formatSecondsInWords(4_294_967_295), 'Never');
  assert.equal(formatSecondsInWords(undefined), '—');
});

test('bytes read in binary units, the exact count kept for the tooltip', () => {
  assert.equal(formatBytes(268_435_455), '256 MiB');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(1), '1 byte');
  assert.match(exactBytes(268_435_455), /^268.435.455 bytes$/);
});
