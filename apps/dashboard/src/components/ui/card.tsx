import { useId, type ReactNode } from 'react';

/** A titled section; its heading names the region for assistive tech. */
export function Card({ title, actions, children, className = '' }: { title: string; actions?: ReactNode; children: ReactNode; className?: string }) {
  const id = useId();
  return (
    <section className={`card ${className}`} aria-labelledby={id}>
      <header className="card-header">
        <h2 id={id} className="card-title">{title}</h2>
        {actions}
      </header>
      <div className="card-body">{children}</div>
    </section>
  );
}

export type DescriptionItem = [term: string, value: ReactNode];

/** Term/value pairs in a dense two-column grid. */
export function DescriptionList({ items }: { items: DescriptionItem[] }) {
  return (
    <dl className="dl">
      {items.map(([term, value]) => (
        <div className="dl-row" key={term}>
          <dt>{term}</dt>
          <dd>{value === undefined || value === null || value === '' ? <span className="muted">—</span> : value}</dd>
        </div>
      ))}
    </dl>
  );
}
