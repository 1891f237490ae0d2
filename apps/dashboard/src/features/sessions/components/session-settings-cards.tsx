import type { KeyValue, SessionDetail } from '@mqdash/contracts';
import { Card, DescriptionList } from '../../../components/ui/card';
import { formatBoolean, formatJson, formatSeconds } from '../../../lib/format';

function JsonValue({ value }: { value: unknown }) {
  if (value === undefined || value === null || value === '') return <span className="muted">—</span>;
  if (typeof value === 'string') return <span className="pre-wrap">{value}</span>;
  return <pre className="code-block">{formatJson(value)}</pre>;
}

function KeyValueTable({ items, caption }: { items: KeyValue[] | undefined; caption: string }) {
  if (!items || items.length === 0) return <p className="muted">None.</p>;
  return (
    <table className="mini-table">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {items.map((kv, i) => (
          <tr key={`${kv.key}-${i}`}>
            <td className="mono">{kv.key}</td>
            <td className="mono pre-wrap">{kv.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function WillCard({ session }: { session: SessionDetail }) {
  const hasWill = Boolean(session.willTopic);
  return (
    <Card title="Will message">
      {!hasWill && <p className="muted small">No will topic is set, so no will message is published.</p>}
      <DescriptionList
        items={[
          ['Will topic', session.willTopic && <span className="mono">{session.willTopic}</span>],
          ['Will QoS', session.willQoS],
          ['Will payload', <JsonValue value={session.willPayload} />],
          ['Will retain', formatBoolean(session.willRetain)],
          ['Content type', session.willContentType],
          ['Correlation data', <JsonValue value={session.willCorrelationData} />],
          ['Payload format indicator', session.willPayloadFormatIndicator],
          ['Will expiry', formatSeconds(session.willExpirySeconds)],
          ['Will delay', formatSeconds(session.willDelaySeconds)],
          ['Response topic', session.willResponseTopic && <span className="mono">{session.willResponseTopic}</span>],
        ]}
      />
      <h3 className="card-subtitle">Will user properties</h3>
      <KeyValueTable items={session.willUserProperties} caption="Will user properties" />
    </Card>
  );
}

export function UserPropertiesCard({ session }: { session: SessionDetail }) {
  return (
    <Card title="User properties">
      <KeyValueTable items={session.userProperties} caption="User properties" />
    </Card>
  );
}

export function LabelMetadataCard({ session }: { session: SessionDetail }) {
  return (
    <Card title="Label and metadata">
      <DescriptionList
        items={[
          ['Label', session.label ? <span className="tag">{session.label.group ? `${session.label.group} / ${session.label.name}` : session.label.name}</span> : 'No label'],
          ['Label group', session.label?.group || (session.label ? '(empty group)' : undefined)],
          ['Label id', session.label?.id],
        ]}
      />
      <h3 className="card-subtitle">Metadata</h3>
      <pre className="code-block">{formatJson(session.metadata ?? {})}</pre>
    </Card>
  );
}

export function PublishedTopicsCard({ topics }: { topics: string[] | undefined }) {
  return (
    <Card title="Published topics">
      {!topics || topics.length === 0 ? (
        <p className="muted">This session has not published.</p>
      ) : (
        <ul className="topic-list">
          {topics.map((t) => (
            <li key={t} className="mono">{t}</li>
          ))}
        </ul>
      )}
    </Card>
  );
}
