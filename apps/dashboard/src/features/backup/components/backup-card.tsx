import type { CreateBackupResult } from '@mqdash/contracts';
import { useState } from 'react';
import { Label, ProgressBar } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { errorMessage } from '../../../lib/api-client';
import { formatBytes, formatDateTime } from '../../../lib/format';
import { toast } from '../../../lib/toast';
import { useDownloadBackup, type BackupPhase } from '../api/download-backup';

function progressText(phase: BackupPhase): string {
  if (phase.step === 'creating') return 'Copying the database on the server…';
  const of = phase.total ? ` of ${formatBytes(phase.total)}` : '';
  return `Downloading ${formatBytes(phase.received)}${of}…`;
}

/**
 * Settings → Backup (issue 14): a consistent copy of the whole database (sessions, accounts, API
 * keys, MQTT state), taken while the broker runs, downloaded to this computer with progress.
 */
export function BackupCard() {
  const [phase, setPhase] = useState<BackupPhase | null>(null);
  const [last, setLast] = useState<CreateBackupResult | null>(null);
  const backup = useDownloadBackup(setPhase);

  const start = () =>
    backup.mutate(undefined, {
      onSuccess: (result) => {
        setLast(result);
        toast.success('Backup downloaded', `${result.fileName} (${formatBytes(result.bytes)})`);
      },
      onSettled: () => setPhase(null),
    });

  const percent = phase?.step === 'downloading' && phase.total ? Math.min(100, (phase.received / phase.total) * 100) : undefined;
  return (
    <Card title="Backup">
      <div className="stack">
        <p className="card-lead">
          Download a copy of the whole database: sessions, labels, accounts, API keys, the audit log and the MQTT state
          (subscriptions, queued and retained messages). It is taken while the broker runs and is consistent to one moment.
          Keep it somewhere safe: it holds the password hashes. To restore it, stop the server and run{' '}
          <code>npx mqdash restore &lt;file&gt;</code>.
        </p>
        <div className="backup-actions">
          <Button variant="primary" onPress={start} isPending={backup.isPending}>
            {backup.isPending ? 'Backing up…' : 'Download a backup'}
          </Button>
        </div>
        {phase && (
          <ProgressBar className="progress" value={percent} isIndeterminate={percent === undefined} aria-live="polite">
            {({ percentage }) => (
              <>
                <Label className="progress-label">
                  {progressText(phase)}
                  {percentage !== undefined && !Number.isNaN(percentage) && ` ${Math.round(percentage)} %`}
                </Label>
                <div className="progress-track">
                  <div className="progress-fill" style={{ width: `${percent ?? 100}%` }} data-indeterminate={percent === undefined || undefined} />
                </div>
              </>
            )}
          </ProgressBar>
        )}
        {backup.isError && <p className="callout callout-error" role="alert">The backup failed: {errorMessage(backup.error)}</p>}
        {last && !backup.isPending && (
          <p className="muted small">
            Last backup: {last.fileName}, {formatBytes(last.bytes)}, taken {formatDateTime(last.createdDateTime)}.
          </p>
        )}
      </div>
    </Card>
  );
}
