import type { ChangeLine } from '../lib/changes';

/** Issue 13: what an audited action changed, one field a line: "Status: Normal → Banned". */
export function ChangeList({ changes }: { changes: readonly ChangeLine[] }) {
  if (changes.length === 0) return null;
  return (
    <ul className="audit-diff" aria-label="What changed">
      {changes.map((c) => (
        <li key={c.field}>
          <span className="audit-diff-field">{c.label}:</span>{' '}
          {c.secret ? (
            <span className="muted">changed (not shown)</span>
          ) : (
            <>
              <del className="audit-diff-before">{c.before}</del>
              {' → '}
              <ins className="audit-diff-after">{c.after}</ins>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
