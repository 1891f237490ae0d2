import { useMutation } from '@tanstack/react-query';
import { download } from '../../../lib/api-client';

export interface ExportInput {
  format: 'csv' | 'json';
  /** The list filter (as `GET /bff/sessions` spells it); every matching row, no paging. */
  filter: Record<string, string>;
}

/** `GET /bff/sessions/export`: the server names the file (Content-Disposition). */
export const exportSessions = ({ format, filter }: ExportInput): Promise<void> =>
  download('/bff/sessions/export', { ...filter, format }, `sessions.${format}`);

export const useExportSessions = () => useMutation({ mutationFn: exportSessions, meta: { errorToast: 'Export failed', audited: false } });
