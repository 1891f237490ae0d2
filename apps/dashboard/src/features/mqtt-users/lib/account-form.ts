import { mqttPasswordSchema, mqttUsernameSchema } from '@mqdash/contracts';
import { newAccountErrors, newPasswordErrors, type FieldErrors } from '../../../lib/form-errors';

/** A new password typed twice, checked with the same schema the server uses; errors by field (`password`, `confirmation`). */
export const passwordErrors = (password: string, confirmation: string): FieldErrors => newPasswordErrors(mqttPasswordSchema, password, confirmation);

/** The create form: user name, password twice, description (bytes as the server counts them). */
export const accountErrors = (f: { username: string; password: string; confirmation: string; description: string }): FieldErrors =>
  newAccountErrors({ username: mqttUsernameSchema, password: mqttPasswordSchema, usernameWord: 'user name' }, f);
