import type { ReactNode } from 'react';
import { Button } from './button';
import { Alert, Refresh } from './icons';

/** An inline failure with a way out (STYLE #14): what failed, why, and Retry. */
export function ErrorState({ title, message, onRetry, children }: { title: string; message: string; onRetry?: () => void; children?: ReactNode }) {
  return (
    <div className="state state-error" role="alert">
      <span className="state-icon" aria-hidden="true"><Alert /></span>
      <div>
        <p className="state-title">{title}</p>
        <p className="state-text">{message}</p>
        <div className="state-actions">
          {onRetry && (
            <Button onPress={onRetry}>
              <Refresh /> Retry
            </Button>
          )}
          {children}
        </div>
      </div>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}
