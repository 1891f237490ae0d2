import { subscribeBody, topicFilterProblem, type SessionDetail } from '@mqdash/contracts';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ScrollRegion } from '../../../components/ui/scroll-region';
import { CheckboxField, SelectField, TextInputField } from '../../../components/ui/fields';
import { Trash } from '../../../components/ui/icons';
import { errorMessage } from '../../../lib/api-client';
import { formatBoolean } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { toast } from '../../../lib/toast';
import { useSubscribeSession } from '../api/subscribe-session';
import { useUnsubscribeSession } from '../api/unsubscribe-session';

const qosOptions = [
  { id: '0', label: '0' },
  { id: '1', label: '1' },
  { id: '2', label: '2' },
] as const;
const retainHandlingOptions = [
  { id: '0', label: '0 — send retained messages' },
  { id: '1', label: '1 — retained only if new' },
  { id: '2', label: '2 — no retained messages' },
] as const;

/** The session's subscriptions with remove buttons, and a form to add one (subscribeToMq). */
export function SubscriptionsCard({ session }: { session: SessionDetail }) {
  const topics = session.subscribedTopics ?? [];
  const unsubscribe = useUnsubscribeSession();
  // Issue 12: subscribing a session is an operator's act; a viewer sees the list only.
  const canAct = useCan('operator');
  return (
    <Card title="Subscriptions" className="card-wide">
      {topics.length === 0 ? (
        <p className="muted">No subscriptions.</p>
      ) : (
        <ScrollRegion label="Subscribed topic filters">
          <table className="mini-table">
            <caption className="sr-only">Subscribed topic filters</caption>
            <thead>
              <tr>
                <th scope="col">Topic filter</th>
                <th scope="col" className="num">QoS</th>
                <th scope="col">No local</th>
                <th scope="col">Retain as published</th>
                <th scope="col" className="num">Retain handling</th>
                {canAct && <th scope="col"><span className="sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody>
              {topics.map((t) => (
                <tr key={t.topicFilter}>
                  <td className="mono">{t.topicFilter}</td>
                  <td className="num">{t.qos}</td>
                  <td>{formatBoolean(t.noLocal)}</td>
                  <td>{formatBoolean(t.retainAsPublished)}</td>
                  <td className="num">{t.retainHandling ?? '—'}</td>
                  {canAct && <td className="cell-actions">
                    <Button
                      size="sm"
                      variant="danger-ghost"
                      aria-label={`Remove subscription ${t.topicFilter}`}
                      isPending={unsubscribe.isPending && unsubscribe.variables?.topicFilter === t.topicFilter}
                      onPress={() =>
                        unsubscribe.mutate(
                          { clientName: session.clientName, topicFilter: t.topicFilter },
                          { onSuccess: () => toast.success('Subscription removed', t.topicFilter) },
                        )
                      }
                    >
                      <Trash /> Remove
                    </Button>
                  </td>}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {canAct && <SubscribeForm clientName={session.clientName} />}
    </Card>
  );
}

function SubscribeForm({ clientName }: { clientName: string }) {
  const [topicFilter, setTopicFilter] = useState('');
  const [qos, setQos] = useState<'0' | '1' | '2'>('0');
  const [retainHandling, setRetainHandling] = useState<'0' | '1' | '2'>('0');
  const [noLocal, setNoLocal] = useState(false);
  const [retainAsPublished, setRetainAsPublished] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const subscribe = useSubscribeSession();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (subscribe.isPending) return;
    const problem = topicFilter ? topicFilterProblem(topicFilter) : 'Enter a topic filter';
    if (problem) {
      setError(problem.charAt(0).toUpperCase() + problem.slice(1));
      return;
    }
    const body = { topicFilter, qos: Number(qos), noLocal, retainAsPublished, retainHandling: Number(retainHandling) };
    const parsed = subscribeBody.safeParse(body);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Invalid subscription');
      return;
    }
    setError(undefined);
    subscribe.mutate(
      { clientName, ...parsed.data },
      {
        onSuccess: () => {
          toast.success('Subscribed', `${topicFilter} (QoS ${qos})`);
          setTopicFilter('');
        },
        onError: (e) => setError(errorMessage(e)),
      },
    );
  };

  return (
    <Form onSubmit={submit} validationBehavior="aria" className="subscribe-form" aria-label="Add a subscription">
      <h3 className="card-subtitle">Add a subscription</h3>
      <div className="subscribe-row">
        <TextInputField label="Topic filter" value={topicFilter} onChange={setTopicFilter} error={error} placeholder="sensors/+/temperature" className="grow" />
        <SelectField label="QoS" options={qosOptions} value={qos} onChange={setQos} className="narrow" />
        <SelectField label="Retain handling" options={retainHandlingOptions} value={retainHandling} onChange={setRetainHandling} />
      </div>
      <div className="check-row">
        <CheckboxField isSelected={noLocal} onChange={setNoLocal}>No local</CheckboxField>
        <CheckboxField isSelected={retainAsPublished} onChange={setRetainAsPublished}>Retain as published</CheckboxField>
        <Button type="submit" variant="primary" size="sm" isPending={subscribe.isPending}>
          Subscribe
        </Button>
      </div>
    </Form>
  );
}
