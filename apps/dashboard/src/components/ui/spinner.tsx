/** A spinner with its words beside it: the text is the accessible part. */
export function Spinner({ label, className = '' }: { label: string; className?: string }) {
  return (
    <span className={`spinner-row ${className}`} role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </span>
  );
}
