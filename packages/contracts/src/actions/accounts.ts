import { z } from 'zod';
import { utf8String } from '../common.ts';
import { roleSchema, type Role } from '../roles.ts';

/**
 * Administrator accounts (issue 12): the accounts that sign in to the dashboard and the JSON
 * action API, each with a role. Action names and `accountDescription` follow FairCom's Admin API
 * (createAccount, alterAccount, dropAccount, listAccounts); the single `role` property is mqdash's.
 * Passwords are stored as scrypt hashes and never returned.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** 1 to 64 characters, no control characters, no leading or trailing space (as `createSession`'s username). */
export const accountUsernameSchema = utf8String(1, 64).superRefine((s, ctx) => {
  if (CONTROL.test(s)) ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: 'must not contain control characters' });
  else if (s.trim() !== s) ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: 'must not start or end with a space' });
});

/** As changePassword's newPassword. */
export const accountPasswordSchema = z.string().min(12, 'must be at least 12 characters').max(1024);

const accountDescriptionSchema = utf8String(0, 1024);

export const createAccountParams = z.object({
  username: accountUsernameSchema,
  password: accountPasswordSchema,
  /** Least privilege unless given. */
  role: roleSchema.default('viewer'),
  accountDescription: accountDescriptionSchema.default(''),
});
export type CreateAccountParams = z.infer<typeof createAccountParams>;
export type CreateAccountInput = z.input<typeof createAccountParams>;

export const listAccountsParams = z.object({});

const accountPatch = z.object({
  /** Applies from the account's next request; its sign-ins continue. */
  role: roleSchema.optional(),
  /** Sets another account's password and ends its sign-ins (an account changes its own with changePassword). */
  password: accountPasswordSchema.optional(),
  accountDescription: accountDescriptionSchema.optional(),
});

export const alterAccountParams = z.object({ username: accountUsernameSchema }).extend(accountPatch.shape).superRefine((p, ctx) => {
  if (p.role === undefined && p.password === undefined && p.accountDescription === undefined)
    ctx.addIssue({ code: 'custom', params: { errorCode: 'missingProperty' }, path: ['role'], message: 'give at least one of role, password, accountDescription' });
});
export type AlterAccountParams = z.infer<typeof alterAccountParams>;

export const dropAccountParams = z.object({ username: accountUsernameSchema });
export type DropAccountParams = z.infer<typeof dropAccountParams>;

/** An account as listAccounts returns it: never the password. */
export interface AccountInfo {
  username: string;
  role: Role;
  accountDescription: string;
  /** Who created it; null for the first account (`admin`) and accounts from before roles. */
  createdBy: string | null;
  createdDateTime: string;
  updatedDateTime: string;
}

/** `POST /bff/accounts`. */
export const createAccountBody = createAccountParams;
/** `PATCH /bff/accounts/:username`. */
export const accountPatchBody = accountPatch.superRefine((p, ctx) => {
  if (p.role === undefined && p.password === undefined && p.accountDescription === undefined)
    ctx.addIssue({ code: 'custom', params: { errorCode: 'missingProperty' }, path: ['role'], message: 'give at least one of role, password, accountDescription' });
});
export type AccountPatchBody = z.infer<typeof accountPatchBody>;
