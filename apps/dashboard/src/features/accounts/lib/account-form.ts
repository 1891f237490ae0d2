import { accountPasswordSchema, accountUsernameSchema } from '@mqdash/contracts';
import { newAccountErrors, newPasswordErrors, type FieldErrors } from '../../../lib/form-errors';

/** A new administrator password typed twice (at least 12 characters, as the server requires). */
export const passwordErrors = (password: string, confirmation: string): FieldErrors => newPasswordErrors(accountPasswordSchema, password, confirmation);

/** The create form: username, password twice, description. */
export const accountErrors = (f: { username: string; password: string; confirmation: string; description: string }): FieldErrors =>
  newAccountErrors({ username: accountUsernameSchema, password: accountPasswordSchema, usernameWord: 'username' }, f);
