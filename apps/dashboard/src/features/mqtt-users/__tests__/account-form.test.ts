import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountErrors, passwordErrors } from '../lib/account-form.ts';

const good = { username: 'plant-7/line-2', password: 'Line-Two-Pass', confirmation: 'Line-Two-Pass', description: '' };

test('a valid account has no errors', () => {
  assert.deepEqual(accountErrors(good), {});
});

test('each field gets a sentence a person understands', () => {
  assert.deepEqual(accountErrors({ ...good, username: '' }), { username: 'Enter a user name' });
  assert.deepEqual(accountErrors({ ...good, username: 'x'.repeat(65) }), { username: 'Must be at most 64 characters' });
  assert.deepEqual(accountErrors({ ...good, username: 'mqdash-feed' }), { username: '"mqdash-feed" is reserved for the dashboard\'s live feed' });
  assert.deepEqual(accountErrors({ ...good, username: ' padded' }), { username: 'Must not start or end with a space' });
  assert.deepEqual(accountErrors({ ...good, description: 'é'.repeat(600) }), { description: 'Must be at most 1024 bytes (about 1000 letters)' });
});

test('the password: present, at least 8 characters, typed twice alike', () => {
  assert.deepEqual(passwordErrors('', ''), { password: 'Enter a password' });
  assert.deepEqual(passwordErrors('short', 'short'), { password: 'Must be at least 8 characters' });
  assert.deepEqual(passwordErrors('long-enough', ''), { confirmation: 'Type the password again' });
  assert.deepEqual(passwordErrors('long-enough', 'long-enougH'), { confirmation: 'The two passwords differ' });
  assert.deepEqual(passwordErrors('long-enough', 'long-enough'), {});
});
