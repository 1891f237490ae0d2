import { listTopicPermissionsParams, type ListTopicPermissionsResult } from '@mqdash/contracts';
import { topicPermissionInfo } from './access-format.ts';
import { defineAction } from './types.ts';

/** listTopicPermissions (mqdash extension, issue 12): the rules in evaluation order and the default. */
export const listTopicPermissions = defineAction({
  name: 'listTopicPermissions',
  params: listTopicPermissionsParams,
  run(p, ctx): ListTopicPermissionsResult {
    const { access } = ctx.core;
    const rules = access.listRules().filter((r) => p.username === undefined || (r.subject === 'account' && r.username === p.username));
    return { data: rules.map(topicPermissionInfo), defaultPermission: access.defaultPermission };
  },
});
