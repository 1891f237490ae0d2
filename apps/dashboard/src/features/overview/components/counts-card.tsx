import { Link } from 'react-router';
import type { BadgeTone } from '../../../components/ui/badge';
import { Card } from '../../../components/ui/card';
import { formatCount } from '../../../lib/format';

export interface CountItem {
  id: string;
  label: string;
  count: number;
  tone: BadgeTone;
  /** The sessions table filtered to these sessions. */
  href: string;
}

/** Counts of one kind (health, connection status, …), each a link to the filtered table, with its share as a bar. */
export function CountsCard({ title, items, note }: { title: string; items: readonly CountItem[]; note?: string }) {
  const total = items.reduce((sum, item) => sum + item.count, 0);
  return (
    <Card title={title}>
      <ul className="count-list">
        {items.map((item) => (
          <li key={item.id}>
            {/* Named by its own text (axe label-content-name-mismatch, issue 13): "Connected: 12 sessions";
                the colon is text in the label's line (a positioned sr-only box would add a space before it). */}
            <Link to={item.href} className="count-link">
              <span className={`count-dot tone-${item.tone}`} aria-hidden="true" />
              <span className="count-label">{item.label}<span className="text-unseen">:</span></span>
              <span className="count-value">{formatCount(item.count)}<span className="sr-only"> {item.count === 1 ? 'session' : 'sessions'}</span></span>
              <span className="count-bar" aria-hidden="true">
                <span className={`count-bar-fill tone-${item.tone}`} style={{ inlineSize: `${total ? (item.count / total) * 100 : 0}%` }} />
              </span>
            </Link>
          </li>
        ))}
      </ul>
      {note && <p className="muted small count-note">{note}</p>}
    </Card>
  );
}
