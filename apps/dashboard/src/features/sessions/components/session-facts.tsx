import type { ReactNode } from 'react';
import type { SessionDetail } from '@mqdash/contracts';
import { formatCount, formatDateTime, formatRate } from '../../../lib/format';
import { formatDuration } from '../../../lib/health-words';
import { useNow } from '../../../lib/use-now';
import { textOf } from '../lib/label-text';
import { HealthReasonText } from './health-reason';
import { MqApiState } from './mq-api-state';

function Fact({ term, children, wide }: { term: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? 'fact fact-wide' : 'fact'}>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Uptime({ session, now }: { session: SessionDetail; now: number }) {
  const connected = session.connectionStatus !== 'disconnected';
  const since = connected ? session.connectionDateTime : session.disconnectionDateTime;
  if (!since) return <span className="muted">{connected ? 'Connected' : 'Never connected'}</span>;
  return (
    <time dateTime={since} title={formatDateTime(since)}>
      {connected ? 'Up ' : 'Offline for '}
      {formatDuration(now - Date.parse(since))}
    </time>
  );
}

/**
 * The figures an administrator looks for first (issue 13 "a header of figures"): health in words,
 * uptime, rates in and out, backlog, user name, address, protocol and label. Facts the session does
 * not have are left out rather than shown as dashes.
 */
export function SessionFacts({ session }: { session: SessionDetail }) {
  const now = useNow(30_000);
  const stats = session.stats;
  const health = stats?.sessionHealth;
  return (
    <dl className="fact-strip" aria-label="Key facts">
      {health && (
        <Fact term="Health" wide={health === 'unhealthy'}>
          {health === 'unhealthy' ? (
            <HealthReasonText detail={stats.unhealthyReasonDetail} fallback={stats.unhealthyReason ?? 'Unhealthy'} />
          ) : health === 'healthy' ? 'Healthy: every measure within its limits'
            : session.sessionType === 'mqApi' ? 'Not measured until the session is used or subscribes' : 'Not measured while offline'}
        </Fact>
      )}
      {session.sessionType === 'mqApi'
        ? <Fact term="State"><MqApiState session={session} /></Fact>
        : <Fact term="Uptime"><Uptime session={session} now={now} /></Fact>}
      {stats && <Fact term="Publishing">{formatRate(stats.publishRatePerMinute)}/min</Fact>}
      {stats && <Fact term="Receiving">{formatRate(stats.receiveMessagesPerMinute)}/min</Fact>}
      {stats && <Fact term="Backlog">{formatCount(stats.currentDeliveryBacklogged)}</Fact>}
      {session.username && <Fact term="User name"><span className="mono">{session.username}</span></Fact>}
      {session.ipaddress && <Fact term="Address"><span className="mono">{session.ipaddress}{session.port ? `:${session.port}` : ''}</span></Fact>}
      {session.mqttProtocol && <Fact term="Protocol">MQTT {session.mqttProtocol}</Fact>}
      {session.label && <Fact term="Label"><span className="tag">{textOf(session.label)}</span></Fact>}
    </dl>
  );
}
