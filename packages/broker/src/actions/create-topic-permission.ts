import { createTopicPermissionParams, type TopicPermission } from '@mqdash/contracts';
import { creator, TOPIC_PERMISSIONS_TARGET, topicPermissionInfo } from './access-format.ts';
import { unknownMqttUser } from './mqtt-user-guard.ts';
import { ActionError, defineAction } from './types.ts';
import { MAX_TOPIC_PERMISSIONS } from '@mqdash/contracts';

/**
 * createTopicPermission (mqdash extension, issue 12): a rule at a place in the order (last by
 * default). Connected clients are judged by it from their next PUBLISH or SUBSCRIBE on.
 */
export const createTopicPermission = defineAction({
  name: 'createTopicPermission',
  params: createTopicPermissionParams,
  audit: () => TOPIC_PERMISSIONS_TARGET,
  run(p, ctx): TopicPermission {
    const { access, mqttUsers } = ctx.core;
    if (p.subject === 'account' && !mqttUsers.get(p.username!)) throw unknownMqttUser(p.username!);
    if (access.listRules().length >= MAX_TOPIC_PERMISSIONS)
      throw new ActionError('outOfLimits', `there are ${MAX_TOPIC_PERMISSIONS} topic permissions already, the most the broker keeps`);
    const row = access.addRule({
      subject: p.subject, username: p.username ?? null, permission: p.permission, action: p.action, topicFilter: p.topicFilter,
      createdBy: creator(ctx), createdAt: Date.now(),
    }, p.position);
    return topicPermissionInfo(row);
  },
});
