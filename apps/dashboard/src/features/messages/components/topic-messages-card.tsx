import type { TopicHistoryMessage } from '@mqdash/contracts';
import { topicNameProblem } from '@mqdash/contracts';
import { useMemo, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Link } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { SelectField, TextInputField } from '../../../components/ui/fields';
import { Refresh } from '../../../components/ui/icons';
import { Spinner } from '../../../components/ui/spinner';
import { ErrorState } from '../../../components/ui/states';
import { errorMessage } from '../../../lib/api-client';
import { formatCount, formatDateTime } from '../../../lib/format';
import { useTopicMessages, type TopicMessagesFilter } from '../api/get-topic-messages';
import { PayloadViewToggle } from '../../../components/ui/payload-view-toggle';
import { payloadBytes, renderPayload, type PayloadView } from '../../../lib/payload-view';

const countOptions = [
  { id: '10', label: '10' },
  { id: '20', label: '20' },
  { id: '50', label: '50' },
  { id: '100', label: '100' },
] as const;
function MessageItem({ message, view, sessionHref }: { message: TopicHistoryMessage; view: PayloadView; sessionHref: (clientName: string) => string }) {
  const shown = useMemo(() => renderPayload(payloadBytes(message.payload, message.binaryFormat), view), [message, view]);
  return (
    <li className="message-item">
      <div className="message-meta">
        <span className="mono">#{message.position}</span>
        <time dateTime={message.timestamp}>{formatDateTime(message.timestamp)}</time>
        <span>QoS {message.qos}</span>
        {message.retain && <span className="tag">retained</span>}
        {message.contentType && <span className="muted">{message.contentType}</span>}
        {message.publisherClientName !== undefined && (
          <span className="muted">
            from <Link to={sessionHref(message.publisherClientName)} className="mono">{message.publisherClientName || '(empty name)'}</Link>
          </span>
        )}
      </div>
      {shown.note && <p className="muted small">{shown.note}</p>}
      {shown.text && <pre className={`code-block message-payload ${view === 'hex' || shown.note?.includes('hex') ? 'is-hex' : ''}`} aria-label={`Payload of message ${message.position}`}>{shown.text}</pre>}
    </li>
  );
}

export interface TopicMessagesCardProps {
  defaultTopic: string;
  /** Show this topic's messages at once (e.g. the topic just published to). */
  showAtOnce?: boolean;
  sessionHref: (clientName: string) => string;
}

/** Peek at a topic: its newest kept messages (the topic history), payloads as text, JSON or hex. */
export function TopicMessagesCard({ defaultTopic, showAtOnce = false, sessionHref }: TopicMessagesCardProps) {
  const [topic, setTopic] = useState(defaultTopic);
  const [count, setCount] = useState<'10' | '20' | '50' | '100'>('20');
  const [error, setError] = useState<string | undefined>();
  const [filter, setFilter] = useState<TopicMessagesFilter | null>(showAtOnce && defaultTopic ? { topic: defaultTopic, maxMessages: 20 } : null);
  const [view, setView] = useState<PayloadView>('text');
  const messages = useTopicMessages(filter);
  const newestFirst = useMemo(() => [...(messages.data?.data ?? [])].reverse(), [messages.data]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problem = topic ? topicNameProblem(topic) : 'Enter a topic';
    if (problem) {
      setError(problem.charAt(0).toUpperCase() + problem.slice(1));
      return;
    }
    setError(undefined);
    const next = { topic, maxMessages: Number(count) };
    if (filter && filter.topic === next.topic && filter.maxMessages === next.maxMessages) void messages.refetch();
    else setFilter(next);
  };

  return (
    <Card title="Topic messages">
      <Form onSubmit={submit} validationBehavior="aria" className="stack" aria-label="Peek at a topic">
        <p className="muted small">The newest messages the broker keeps for a topic (any publisher), newest first.</p>
        <div className="peek-row">
          <TextInputField label="Topic" value={topic} onChange={setTopic} error={error} placeholder="sensors/line-1/temperature" autoComplete="off" className="grow" />
          <SelectField label="Messages" options={countOptions} value={count} onChange={setCount} className="narrow" />
          <Button type="submit" variant="secondary" isPending={messages.isFetching} className="peek-submit">
            {filter ? <><Refresh /> Show messages</> : 'Show messages'}
          </Button>
        </div>
      </Form>

      {filter && (
        <div className="peek-results">
          {messages.isPending ? (
            <Spinner label="Loading messages…" />
          ) : messages.isError ? (
            <ErrorState title="Could not load the messages" message={errorMessage(messages.error)} onRetry={() => void messages.refetch()} />
          ) : (
            <>
              {messages.data.warning && <p className="callout callout-warning">{messages.data.warning}</p>}
              <div className="peek-toolbar">
                <p className="muted small" aria-live="polite">
                  {newestFirst.length === 0
                    ? `No messages are kept for ${filter.topic}.`
                    : `${formatCount(newestFirst.length)} of ${formatCount(messages.data.storedMessages)} kept ${messages.data.storedMessages === 1 ? 'message' : 'messages'} on ${filter.topic}`}
                </p>
                {newestFirst.length > 0 && (
                  <PayloadViewToggle view={view} onChange={setView} />
                )}
              </div>
              {newestFirst.length > 0 && (
                <ol className="message-list">
                  {newestFirst.map((m) => (
                    <MessageItem key={m.position} message={m} view={view} sessionHref={sessionHref} />
                  ))}
                </ol>
              )}
            </>
          )}
        </div>
      )}
    </Card>
  );
}
