import type { z } from 'zod';
import { errorMessage, isApiError } from './api-client';

/** Field name → message, for errors shown beside their fields. */
export type FieldErrors = Record<string, string>;

const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** Words for a zod issue that read well beside a field (the schema's own messages are for APIs). */
export function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return 'Must be a whole number';
      if (issue.expected === 'number') return 'Must be a number';
      return `Must be ${issue.expected === 'string' ? 'text' : `a ${issue.expected}`}`;
    case 'too_small':
      return issue.origin === 'string' ? `Must be at least ${String(issue.minimum)} characters` : issue.origin === 'array' ? `Needs at least ${String(issue.minimum)} items` : `Must be at least ${Number(issue.minimum).toLocaleString()}`;
    case 'too_big':
      return issue.origin === 'string' ? `Must be at most ${String(issue.maximum)} characters` : issue.origin === 'array' ? `At most ${String(issue.maximum)} items` : `Must be at most ${Number(issue.maximum).toLocaleString()}`;
    case 'invalid_value':
      return `Must be one of ${issue.values.map(String).join(', ')}`;
    default:
      return capitalize(issue.message);
  }
}

/** Every issue keyed by its dotted path (`label.name`, `userProperties.0.key`); the first per field wins. */
export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.');
    out[key] ??= issueMessage(issue);
  }
  return out;
}

/**
 * A server 400 names the offending property (`params.label.name`, `willUserProperties[0].key`);
 * returns it in the form's dotted style, or null when the error belongs to no field.
 */
export function serverFieldError(error: unknown): { field: string; message: string } | null {
  if (!isApiError(error) || !error.property) return null;
  const field = error.property.replace(/^params\./, '').replace(/\[(\d+)\]/g, '.$1');
  const message = error.message.replace(new RegExp(`^${error.property.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\s*`), '');
  return { field, message: capitalize(message) };
}

/** A new password typed twice, checked with the server's schema; errors by field (`password`, `confirmation`). */
export function newPasswordErrors(schema: z.ZodType<string>, password: string, confirmation: string): FieldErrors {
  if (!password) return { password: 'Enter a password' };
  const parsed = schema.safeParse(password);
  if (!parsed.success) return { password: issueMessage(parsed.error.issues[0]!) };
  if (confirmation !== password) return { confirmation: confirmation ? 'The two passwords differ' : 'Type the password again' };
  return {};
}

/** A create-account form: name, password twice, description (bytes as the server counts them), with the server's schemas. */
export function newAccountErrors(
  schemas: { username: z.ZodType<string>; password: z.ZodType<string>; usernameWord: string },
  f: { username: string; password: string; confirmation: string; description: string },
): FieldErrors {
  const errors: FieldErrors = {};
  if (!f.username) errors.username = `Enter a ${schemas.usernameWord}`;
  else {
    const parsed = schemas.username.safeParse(f.username);
    if (!parsed.success) errors.username = issueMessage(parsed.error.issues[0]!);
  }
  Object.assign(errors, newPasswordErrors(schemas.password, f.password, f.confirmation));
  if (new TextEncoder().encode(f.description).length > 1024) errors.description = 'Must be at most 1024 bytes (about 1000 letters)';
  return errors;
}

/** A failed submit: beside the field the server named when the form has it, else one message for the whole form. */
export function submitErrors(error: unknown, fields: readonly string[]): { fieldErrors: FieldErrors; formError: string | null } {
  const field = serverFieldError(error);
  if (field && fields.includes(field.field)) return { fieldErrors: { [field.field]: field.message }, formError: null };
  return { fieldErrors: {}, formError: errorMessage(error) };
}
