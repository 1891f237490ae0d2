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

const isEmpty = (value: ReactNode) => value === undefined || value === null || value === '' || value === false;

/**
 * Term/value pairs in a dense two-column grid. `omitEmpty` leaves out terms without a value
 * (issue 13: no half-empty cards) instead of showing a dash.
 */
export function DescriptionList({ items, omitEmpty = false }: { items: DescriptionItem[]; omitEmpty?: boolean }) {
  const shown = omitEmpty ? items.filter(([, value]) => !isEmpty(value)) : items;
  return (
    <dl className="dl">
      {shown.map(([term, value]) => (
        <div className="dl-row" key={term}>
          <dt>{term}</dt>
          <dd>{isEmpty(value) ? <span className="muted">—</span> : value}</dd>
        </div>
      ))}
    </dl>
  );
}
