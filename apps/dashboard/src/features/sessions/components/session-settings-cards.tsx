import type { KeyValue, SessionDetail } from '@mqdash/contracts';
import { Card, DescriptionList } from '../../../components/ui/card';
import { formatBoolean, formatJson } from '../../../lib/format';
import { textOf } from '../lib/label-text';
import { Seconds } from './units';

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

/** Only for a session with a will (issue 13): without a will topic no will is published, so its QoS and the rest mean nothing. */
export function WillCard({ session }: { session: SessionDetail }) {
  if (!session.willTopic) return null;
  const hasValue = (v: unknown) => v !== undefined && v !== null && v !== '';
  return (
    <Card title="Will message">
      <DescriptionList
        omitEmpty
        items={[
          ['Will topic', <span className="mono">{session.willTopic}</span>],
          ['Will QoS', session.willQoS],
          ['Will payload', hasValue(session.willPayload) && <JsonValue value={session.willPayload} />],
          ['Will retain', formatBoolean(session.willRetain)],
          ['Content type', session.willContentType],
          ['Correlation data', hasValue(session.willCorrelationData) && <JsonValue value={session.willCorrelationData} />],
          ['Payload format indicator', session.willPayloadFormatIndicator],
          ['Will expiry', session.willExpirySeconds !== undefined && <Seconds value={session.willExpirySeconds} />],
          ['Will delay', session.willDelaySeconds !== undefined && <Seconds value={session.willDelaySeconds} />],
          ['Response topic', session.willResponseTopic && <span className="mono">{session.willResponseTopic}</span>],
        ]}
      />
      {session.willUserProperties && session.willUserProperties.length > 0 && (
        <>
          <h3 className="card-subtitle">Will user properties</h3>
          <KeyValueTable items={session.willUserProperties} caption="Will user properties" />
        </>
      )}
    </Card>
  );
}

export function UserPropertiesCard({ session }: { session: SessionDetail }) {
  if (!session.userProperties?.length) return null;
  return (
    <Card title="User properties">
      <KeyValueTable items={session.userProperties} caption="User properties" />
    </Card>
  );
}

const hasMetadata = (m: unknown) => m !== undefined && m !== null && !(typeof m === 'object' && Object.keys(m).length === 0);

export function LabelMetadataCard({ session }: { session: SessionDetail }) {
  return (
    <Card title="Label and metadata">
      <DescriptionList
        omitEmpty
        items={[
          ['Label', session.label ? <span className="tag">{textOf(session.label)}</span> : 'No label'],
          ['Label group', session.label?.group || (session.label ? '(empty group)' : undefined)],
          ['Label id', session.label?.id],
        ]}
      />
      {hasMetadata(session.metadata) && (
        <>
          <h3 className="card-subtitle">Metadata</h3>
          <pre className="code-block">{formatJson(session.metadata)}</pre>
        </>
      )}
    </Card>
  );
}

/** Left out while the session has not published (issue 13: no empty cards). */
export function PublishedTopicsCard({ topics }: { topics: string[] | undefined }) {
  if (!topics?.length) return null;
  return (
    <Card title="Published topics" className="card-wide">
      <ul className="topic-list">
        {topics.map((t) => (
          <li key={t} className="mono">{t}</li>
        ))}
      </ul>
    </Card>
  );
}
