import { describeRetentionPolicyParams, type RetentionPolicyInfo } from '@mqdash/contracts';
import { defineAction } from './types.ts';

/** describeRetentionPolicy (mqdash extension, issue 14): the policy, where it comes from, the last run and the next. */
export const describeRetentionPolicy = defineAction({
  name: 'describeRetentionPolicy',
  params: describeRetentionPolicyParams,
  run(_p, ctx): RetentionPolicyInfo {
    return ctx.core.retention.describe();
  },
});
