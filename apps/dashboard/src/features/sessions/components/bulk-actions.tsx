import { bulkActions, type BulkAction, type BulkResult } from '@mqdash/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { Close } from '../../../components/ui/icons';
import { formatCount, plural } from '../../../lib/format';
import { toast } from '../../../lib/toast';
import { UndoOffer } from '../../audit/components/undo-offer';
import { useBulkSessions } from '../api/bulk-sessions';
import { bulkActionConsequence, bulkActionText, destructiveBulkActions, sessionNoun } from '../lib/display';
import { sessionHref } from '../lib/paths';

export interface BulkActionsProps {
  selectedNames: string[];
  /** "Select all N matching the filter": the server applies the action to the filter. */
  allMatching: boolean;
  total: number;
  filter: Record<string, string>;
  onClearSelection: () => void;
}

const dangerous = (action: BulkAction) => destructiveBulkActions.has(action);

/** The bulk bar for selected rows, its confirmation, and the per-session result. */
export function BulkActions({ selectedNames, allMatching, total, filter, onClearSelection }: BulkActionsProps) {
  const [confirming, setConfirming] = useState<BulkAction | null>(null);
  const [result, setResult] = useState<BulkResult | null>(null);
  const bulk = useBulkSessions();
  const count = allMatching ? total : selectedNames.length;

  const run = (action: BulkAction) => {
    setConfirming(null);
    const body = allMatching ? { action, filter } : { action, clientNames: selectedNames };
    bulk.mutate(body, {
      onSuccess: (res) => {
        setResult(res);
        onClearSelection();
        const text = bulkActionText[res.action];
        if (res.failed.length === 0) toast.success(`${text}: done for ${plural(res.succeeded.length, 'session')}`);
        else toast.warning(`${text}: ${formatCount(res.failed.length)} of ${formatCount(res.failed.length + res.succeeded.length)} failed`, 'See the result above the table.');
      },
    });
  };

  const request = (action: BulkAction) => {
    // Destructive actions ask first; so does anything aimed at every matching session.
    if (dangerous(action) || allMatching) setConfirming(action);
    else run(action);
  };

  const scope = allMatching ? `all ${formatCount(count)} matching ${sessionNoun(count)}` : `${formatCount(count)} ${sessionNoun(count)}`;

  return (
    <>
      {result && <BulkResultPanel result={result} onDismiss={() => setResult(null)} />}
      {count > 0 && (
        <div className="bulk-bar" role="toolbar" aria-label="Bulk actions">
          <span className="bulk-count" aria-live="polite">
            {allMatching ? `All ${formatCount(count)} matching selected` : `${formatCount(count)} selected`}
          </span>
          <div className="bulk-buttons">
            {bulkActions.map((action) => (
              <Button key={action} size="sm" variant={dangerous(action) ? 'danger-ghost' : 'secondary'} onPress={() => request(action)} isDisabled={bulk.isPending}>
                {bulkActionText[action]}
              </Button>
            ))}
          </div>
          <Button size="sm" variant="ghost" onPress={onClearSelection}>
            Clear selection
          </Button>
        </div>
      )}
      <ConfirmDialog
        isOpen={confirming !== null}
        onOpenChange={(open) => !open && setConfirming(null)}
        title={confirming ? `${bulkActionText[confirming]} ${scope}?` : ''}
        confirmLabel={confirming ? `${bulkActionText[confirming]} ${scope}` : ''}
        tone={confirming && dangerous(confirming) ? 'danger' : 'primary'}
        onConfirm={() => confirming && run(confirming)}
      >
        {confirming && (
          <>
            <p>{bulkActionConsequence[confirming]}</p>
            {!allMatching && selectedNames.length <= 8 && (
              <ul className="name-list">
                {selectedNames.map((n) => (
                  <li key={n} className="mono">{n}</li>
                ))}
              </ul>
            )}
            {allMatching && <p className="muted">Every session matching the current filters, on every page, is affected.</p>}
          </>
        )}
      </ConfirmDialog>
    </>
  );
}

const INLINE_LIMIT = 12;

function NameLinks({ names }: { names: string[] }) {
  return (
    <ul className="name-list names-inline">
      {names.map((n) => (
        <li key={n}>
          <Link to={sessionHref(n)} className="mono">{n}</Link>
        </li>
      ))}
    </ul>
  );
}

/** What happened to each session: failures with their reasons, then the successes. */
function BulkResultPanel({ result, onDismiss }: { result: BulkResult; onDismiss: () => void }) {
  const text = bulkActionText[result.action];
  const tone = result.failed.length === 0 ? 'success' : result.succeeded.length === 0 ? 'error' : 'warning';
  return (
    <section className={`callout callout-${tone} bulk-result`} aria-labelledby="bulk-result-title" role="status">
      <div className="bulk-result-head">
        <h2 id="bulk-result-title" className="bulk-result-title">
          {text}: {formatCount(result.succeeded.length)} succeeded, {formatCount(result.failed.length)} failed
        </h2>
        <Button variant="ghost" size="sm" className="btn-icon" aria-label="Dismiss result" onPress={onDismiss}>
          <Close />
        </Button>
      </div>
      {result.undo && <UndoOffer auditIds={result.undo.auditIds} until={result.undo.until} what={text} />}
      {result.failed.length > 0 && (
        <div>
          <h3 className="bulk-result-sub">Failed</h3>
          <ul className="name-list">
            {result.failed.map((f) => (
              <li key={f.clientName}>
                <Link to={sessionHref(f.clientName)} className="mono">{f.clientName}</Link>: {f.error}
              </li>
            ))}
          </ul>
        </div>
      )}
      {result.succeeded.length > 0 &&
        (result.succeeded.length <= INLINE_LIMIT ? (
          <div>
            <h3 className="bulk-result-sub">Succeeded</h3>
            <NameLinks names={result.succeeded} />
          </div>
        ) : (
          <details>
            <summary>Succeeded ({formatCount(result.succeeded.length)})</summary>
            <NameLinks names={result.succeeded} />
          </details>
        ))}
    </section>
  );
}
