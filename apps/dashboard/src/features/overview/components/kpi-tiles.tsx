import type { ReactNode } from 'react';

export interface Kpi {
  label: string;
  value: string;
  hint?: ReactNode;
  tone?: 'danger' | 'success';
}

/** The overview's headline numbers. */
export function KpiTiles({ items }: { items: readonly Kpi[] }) {
  return (
    <dl className="kpis">
      {items.map((kpi) => (
        <div key={kpi.label} className={`kpi ${kpi.tone ? `kpi-${kpi.tone}` : ''}`}>
          <dt className="kpi-label">{kpi.label}</dt>
          <dd className="kpi-value">{kpi.value}</dd>
          {kpi.hint && <dd className="kpi-hint">{kpi.hint}</dd>}
        </div>
      ))}
    </dl>
  );
}
