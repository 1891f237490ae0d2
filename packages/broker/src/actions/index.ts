import type { ActionDef } from './types.ts';
import { alterMqSession } from './alter-mq-session.ts';
import { changePassword } from './change-password.ts';
import { createMqApiSession } from './create-mq-api-session.ts';
import { createSession } from './create-session.ts';
import { deleteMqSession } from './delete-mq-session.ts';
import { deleteSession } from './delete-session.ts';
import { describeMqSessions } from './describe-mq-sessions.ts';
import { createFeedToken, getOverview, getSessionHistory } from './feed.ts';
import { disconnectMqSession } from './disconnect-mq-session.ts';
import { createLabel, listLabelGroups, listLabels } from './labels.ts';
import { listAuditLog } from './list-audit-log.ts';
import { listMqSessions } from './list-mq-sessions.ts';
import { pingSession } from './ping-session.ts';
import { subscribeToMq } from './subscribe-to-mq.ts';

/** Every JSON action by name; the runner answers any other name with errorCode unknownAction. */
export const actions: ReadonlyMap<string, ActionDef> = new Map(
  ([
    createSession, deleteSession, pingSession, changePassword, listAuditLog,
    createMqApiSession, listMqSessions, describeMqSessions, alterMqSession, deleteMqSession, disconnectMqSession,
    subscribeToMq, createLabel, listLabels, listLabelGroups,
    createFeedToken, getOverview, getSessionHistory,
  ] as ActionDef[]).map((a) => [a.name, a]),
);

export { runAction } from './run.ts';
export { ActionError } from './types.ts';
export type { ActionContext, BrokerCore, CallerContext } from './types.ts';
