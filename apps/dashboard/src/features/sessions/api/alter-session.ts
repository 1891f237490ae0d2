import type { AlterMqSessionParams, SessionDetail } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api-client';
import { toast } from '../../../lib/toast';
import { sessionKeys, sessionPath } from './keys';
import { markRemoved, patchSessions, restoreSessions, setSessionDetail, snapshotSessions, invalidateSessions } from './session-cache';

/** alterMqSession's properties without clientName (it is in the path); `label: null` removes the label. */
export type SessionSettingsPatch = Omit<Partial<AlterMqSessionParams>, 'clientName'>;

export interface AlterSessionInput {
  clientName: string;
  patch: SessionSettingsPatch;
}

export interface AlterSessionResult {
  session: SessionDetail;
  /** `X-Mqdash-Warning`: e.g. properties that take effect at the client's next connection. */
  warning: string | null;
  /** `X-Mqdash-Audit-Id`: the audit entry of the change, for Undo (issue 13). */
  auditId: number | null;
}

/** `PATCH /bff/sessions/:clientName`: only the given properties change (DESIGN §3). */
export async function alterSession({ clientName, patch }: AlterSessionInput): Promise<AlterSessionResult> {
  const { data, headers } = await request<SessionDetail>('PATCH', sessionPath(clientName), { body: patch });
  const auditId = Number(headers.get('X-Mqdash-Audit-Id'));
  return { session: data, warning: headers.get('X-Mqdash-Warning'), auditId: auditId > 0 ? auditId : null };
}

/**
 * A status-only change (hide, ban, mark inactive, …) is applied to the cache at once and rolled
 * back if the server refuses; other edits wait for the server's answer.
 */
export function useAlterSession(options: { errorToast?: string | false } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: alterSession,
    meta: { errorToast: options.errorToast ?? 'Could not change the session' },
    onMutate: async ({ clientName, patch }) => {
      const keys = Object.keys(patch);
      if (keys.length !== 1 || !patch.sessionStatus) return undefined;
      await queryClient.cancelQueries({ queryKey: sessionKeys.all });
      const snapshot = snapshotSessions(queryClient);
      patchSessions(queryClient, [clientName], { sessionStatus: patch.sessionStatus });
      return { snapshot };
    },
    onError: (_error, _input, context) => restoreSessions(queryClient, context?.snapshot),
    onSuccess: ({ session, warning }) => {
      // Unbanning a temporary session whose expiry ran out ends it (the server says so in the warning).
      if (warning?.includes('the session has ended')) markRemoved(queryClient, session.clientName);
      else setSessionDetail(queryClient, session);
      if (warning) toast.warning('Saved, with a note', warning);
    },
    onSettled: () => invalidateSessions(queryClient),
  });
}
