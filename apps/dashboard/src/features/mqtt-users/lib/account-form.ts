import { mqttPasswordSchema, mqttUsernameSchema } from '@mqdash/contracts';
import { issueMessage, type FieldErrors } from '../../../lib/form-errors';

/** A new password typed twice, checked with the same schema the server uses; errors by field (`password`, `confirmation`). */
export function passwordErrors(password: string, confirmation: string): FieldErrors {
  if (!password) return { password: 'Enter a password' };
  const parsed = mqttPasswordSchema.safeParse(password);
  if (!parsed.success) return { password: issueMessage(parsed.error.issues[0]!) };
  if (confirmation !== password) return { confirmation: confirmation ? 'The two passwords differ' : 'Type the password again' };
  return {};
}

/** The create form: user name, password twice, description (bytes as the server counts them). */
export function accountErrors(f: { username: string; password: string; confirmation: string; description: string }): FieldErrors {
  const errors: FieldErrors = {};
  if (!f.username) errors.username = 'Enter a user name';
  else {
    const parsed = mqttUsernameSchema.safeParse(f.username);
    if (!parsed.success) errors.username = issueMessage(parsed.error.issues[0]!);
  }
  Object.assign(errors, passwordErrors(f.password, f.confirmation));
  if (new TextEncoder().encode(f.description).length > 1024) errors.description = 'Must be at most 1024 bytes (about 1000 letters)';
  return errors;
}
