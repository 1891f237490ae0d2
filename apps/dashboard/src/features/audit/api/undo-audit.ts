import type { UndoAuditBulkResult } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateSessions } from '../../sessions/api/session-cache';

/** `POST /bff/audit/undo`: sets audited session changes back (each refused one says why). */
export const undoAudit = (auditIds: number[]): Promise<UndoAuditBulkResult> => api.post<UndoAuditBulkResult>('/bff/audit/undo', { auditIds });

export function useUndoAudit() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: undoAudit,
    meta: { errorToast: 'Could not undo' },
    onSettled: () => invalidateSessions(queryClient),
  });
}
