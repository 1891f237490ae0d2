import type { RetainedMessageDetail } from '@mqdash/contracts';
import { useMemo, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Card, DescriptionList, type DescriptionItem } from '../../../components/ui/card';
import { Close, Trash } from '../../../components/ui/icons';
import { PayloadViewToggle } from '../../../components/ui/payload-view-toggle';
import { Spinner } from '../../../components/ui/spinner';
import { ErrorState } from '../../../components/ui/states';
import { errorMessage } from '../../../lib/api-client';
import { formatBytes, formatDateTime, formatRelative } from '../../../lib/format';
import { payloadBytes, renderPayload, type PayloadView } from '../../../lib/payload-view';
import { useRetainedMessage } from '../api/get-retained-message';

/** Its properties: where it came from, when, and the MQTT 5 properties it carries. */
function properties(m: RetainedMessageDetail, now: number): DescriptionItem[] {
  const items: DescriptionItem[] = [
    ['QoS', String(m.qos)],
    ['Size', formatBytes(m.payloadSize)],
    ['Stored', `${formatDateTime(m.storedDateTime)} (${formatRelative(m.storedDateTime, now)})`],
    ['Expires', m.expiryDateTime ? `${formatDateTime(m.expiryDateTime)} (${formatRelative(m.expiryDateTime, now)})` : 'Never'],
  ];
  if (m.publisherClientName !== undefined) items.push(['Published by', m.publisherClientName + (m.publisherUsername ? ` (user ${m.publisherUsername})` : '')]);
  if (m.contentType !== undefined) items.push(['Content type', m.contentType]);
  if (m.payloadFormatIndicator !== undefined) items.push(['Payload format', m.payloadFormatIndicator === 'utf8' ? 'UTF-8 text' : 'Bytes']);
  if (m.messageExpiryInterval !== undefined) items.push(['Message expiry interval', `${m.messageExpiryInterval} s`]);
  if (m.responseTopic !== undefined) items.push(['Response topic', m.responseTopic]);
  if (m.correlationData !== undefined) items.push(['Correlation data', `${m.correlationData}${m.correlationDataBinaryFormat ? ' (base64)' : ''}`]);
  for (const p of m.userProperties ?? []) items.push([`User property ${p.key}`, p.value]);
  return items;
}

export interface RetainedMessageCardProps {
  topic: string;
  now: number;
  onClose: () => void;
  onDelete?: (topic: string) => void;
}

/** The preview of one retained message: payload as text, pretty JSON or hex, and its properties. */
export function RetainedMessageCard({ topic, now, onClose, onDelete }: RetainedMessageCardProps) {
  const message = useRetainedMessage(topic);
  const [view, setView] = useState<PayloadView>('text');
  const shown = useMemo(() => (message.data ? renderPayload(payloadBytes(message.data.payload, message.data.binaryFormat), view) : null), [message.data, view]);
  const actions = (
    <div className="retained-preview-actions">
      {onDelete && message.data && (
        <Button size="sm" variant="danger-ghost" aria-label={`Delete ${topic}`} onPress={() => onDelete(topic)}><Trash /> Delete</Button>
      )}
      <Button size="sm" variant="ghost" className="btn-icon" aria-label="Close the preview" onPress={onClose}><Close /></Button>
    </div>
  );
  return (
    <Card title={`Retained message: ${topic}`} actions={actions} className="retained-preview">
      {message.isPending ? (
        <Spinner label="Loading the message…" />
      ) : message.isError ? (
        <ErrorState title="Could not load the retained message" message={errorMessage(message.error)} onRetry={() => void message.refetch()} />
      ) : (
        <div className="stack">
          <div className="peek-toolbar">
            <h3 className="card-subtitle">Payload</h3>
            <PayloadViewToggle view={view} onChange={setView} />
          </div>
          {shown?.note && <p className="muted small">{shown.note}</p>}
          {shown?.text && <pre className={`code-block message-payload ${view === 'hex' || shown.note?.includes('hex') ? 'is-hex' : ''}`} aria-label={`Payload of ${topic}`}>{shown.text}</pre>}
          <h3 className="card-subtitle">Properties</h3>
          <DescriptionList items={properties(message.data, now)} />
        </div>
      )}
    </Card>
  );
}
