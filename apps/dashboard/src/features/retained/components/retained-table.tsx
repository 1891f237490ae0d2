import type { RetainedMessageSummary } from '@mqdash/contracts';
import { Button } from '../../../components/ui/button';
import { Trash } from '../../../components/ui/icons';
import { formatBytes, formatDateTime, formatRelative } from '../../../lib/format';

export interface RetainedTableProps {
  messages: RetainedMessageSummary[];
  now: number;
  /** The topic shown in the preview. */
  selectedTopic: string | null;
  onView: (topic: string) => void;
  /** Absent: the role may not delete (no actions). */
  onDelete?: (topic: string) => void;
}

/** One page of retained messages: topic, size, QoS, age, expiry; view and delete per row, named for the topic. */
export function RetainedTable({ messages, now, selectedTopic, onView, onDelete }: RetainedTableProps) {
  return (
    <div className="mini-table-scroll">
      <table className="mini-table retained-table">
        <caption className="sr-only">Retained messages</caption>
        <thead>
          <tr>
            <th scope="col">Topic</th>
            <th scope="col" className="num">Size</th>
            <th scope="col" className="num">QoS</th>
            <th scope="col">Age</th>
            <th scope="col">Expires</th>
            <th scope="col"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {messages.map((m) => (
            <tr key={m.topic} aria-selected={m.topic === selectedTopic} className={m.topic === selectedTopic ? 'is-selected' : undefined}>
              <th scope="row"><span className="mono retained-topic">{m.topic}</span></th>
              <td className="num nowrap">{formatBytes(m.payloadSize)}</td>
              <td className="num">{m.qos}</td>
              <td className="nowrap" title={formatDateTime(m.storedDateTime)}>{formatRelative(m.storedDateTime, now)}</td>
              <td className="nowrap" title={m.expiryDateTime ? formatDateTime(m.expiryDateTime) : undefined}>
                {m.expiryDateTime ? formatRelative(m.expiryDateTime, now) : <span className="muted">Never</span>}
              </td>
              <td className="cell-actions">
                <Button size="sm" variant="ghost" aria-label={`View ${m.topic}`} onPress={() => onView(m.topic)}>View</Button>
                {onDelete && (
                  <Button size="sm" variant="danger-ghost" aria-label={`Delete ${m.topic}`} onPress={() => onDelete(m.topic)}>
                    <Trash /> Delete
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
