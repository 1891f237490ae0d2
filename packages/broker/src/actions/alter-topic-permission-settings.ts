import { alterTopicPermissionSettingsParams, type TopicPermissionSettings } from '@mqdash/contracts';
import { creator, TOPIC_PERMISSIONS_TARGET } from './access-format.ts';
import { defineAction } from './types.ts';

/**
 * alterTopicPermissionSettings (mqdash extension, issue 12): what applies when no rule does. The
 * default is allow, so that an upgrade changes nothing until an administrator adds rules.
 */
export const alterTopicPermissionSettings = defineAction({
  name: 'alterTopicPermissionSettings',
  params: alterTopicPermissionSettingsParams,
  audit: () => TOPIC_PERMISSIONS_TARGET,
  run(p, ctx): TopicPermissionSettings {
    ctx.core.access.setDefaultPermission(p.defaultPermission, creator(ctx));
    return { defaultPermission: ctx.core.access.defaultPermission };
  },
});
