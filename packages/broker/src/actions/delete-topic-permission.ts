import { deleteTopicPermissionParams, type DeleteTopicPermissionResult } from '@mqdash/contracts';
import { TOPIC_PERMISSIONS_TARGET } from './access-format.ts';
import { ActionError, defineAction } from './types.ts';

/** deleteTopicPermission (mqdash extension, issue 12): the rule goes; later rules move up one place. */
export const deleteTopicPermission = defineAction({
  name: 'deleteTopicPermission',
  params: deleteTopicPermissionParams,
  audit: () => TOPIC_PERMISSIONS_TARGET,
  run(p, ctx): DeleteTopicPermissionResult {
    if (!ctx.core.access.removeRule(p.permissionId))
      throw new ActionError('unknownTopicPermission', `params.permissionId: no topic permission ${p.permissionId}`, { property: 'params.permissionId', value: p.permissionId });
    return { permissionId: p.permissionId, deleted: true };
  },
});
