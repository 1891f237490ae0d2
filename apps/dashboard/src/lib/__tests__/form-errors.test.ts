import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../api-client.ts';
import { submitErrors } from '../form-errors.ts';

test('a server error that names a field of the form lands beside that field', () => {
  const error = new ApiError(400, 'BAD_REQUEST', 'value: must be one IP address', 'value');
  assert.deepEqual(submitErrors(error, ['banType', 'value']), { fieldErrors: { value: 'Must be one IP address' }, formError: null });
});

test('a server error for no field of the form, or no field at all, is the whole form’s', () => {
  assert.deepEqual(submitErrors(new ApiError(400, 'BAD_REQUEST', 'other: bad', 'other'), ['value']), { fieldErrors: {}, formError: 'other: bad' });
  assert.deepEqual(submitErrors(new ApiError(403, 'FORBIDDEN', 'Needs the operator role'), ['value']), { fieldErrors: {}, formError: 'Needs the operator role' });
  assert.deepEqual(submitErrors(new Error('offline'), ['value']), { fieldErrors: {}, formError: 'offline' });
});
