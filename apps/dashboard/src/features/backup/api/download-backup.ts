import type { CreateBackupResult } from '@mqdash/contracts';
import { useMutation } from '@tanstack/react-query';
import { api, download, type DownloadProgress } from '../../../lib/api-client';

/** `POST /bff/backups`: the server writes a consistent copy of its database (createBackup, audited). */
export const createBackup = (): Promise<CreateBackupResult> => api.post<CreateBackupResult>('/bff/backups');

/** `GET /bff/backups/:fileName`: the copy, once; the server removes it when it is sent. */
export const fetchBackup = (fileName: string, onProgress: DownloadProgress): Promise<void> =>
  download(`/bff/backups/${encodeURIComponent(fileName)}`, undefined, fileName, onProgress);

export type BackupPhase =
  | { step: 'creating' }
  | { step: 'downloading'; received: number; total: number | null };

/** Makes a backup and downloads it, telling `onPhase` where it is. */
export function useDownloadBackup(onPhase: (phase: BackupPhase) => void) {
  return useMutation({
    mutationFn: async () => {
      onPhase({ step: 'creating' });
      const backup = await createBackup();
      onPhase({ step: 'downloading', received: 0, total: backup.bytes });
      await fetchBackup(backup.fileName, (received, total) => onPhase({ step: 'downloading', received, total: total ?? backup.bytes }));
      return backup;
    },
    meta: { errorToast: 'The backup failed' },
  });
}
