import { recordChanges } from './audit-changes.ts';
import { alterRetentionPolicyParams, type RetentionPolicyInfo } from '@mqdash/contracts';
import { administratorOnly } from './admin-guard.ts';
import { defineAction } from './types.ts';

/**
 * alterRetentionPolicy (mqdash extension, issue 14): changes the properties given, stored in the
 * database; while enabled the policy runs hourly (the first run a few minutes after the change).
 * previewRetention shows its effect first. Administrators only; audited.
 */
export const alterRetentionPolicy = defineAction({
  name: 'alterRetentionPolicy',
  params: alterRetentionPolicyParams,
  audit: () => 'retention',
  run(p, ctx): RetentionPolicyInfo {
    administratorOnly(ctx, 'The retention policy');
    const before = ctx.core.retention.policy();
    const after = ctx.core.retention.alter(p, ctx.user!.username);
    recordChanges(ctx, before, ctx.core.retention.policy());
    return after;
  },
});
