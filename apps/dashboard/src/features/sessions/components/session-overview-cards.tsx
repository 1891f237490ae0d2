import type { ReactNode } from 'react';
import type { SessionDetail, SessionStats } from '@mqdash/contracts';
import { Badge } from '../../../components/ui/badge';
import { Card, DescriptionList } from '../../../components/ui/card';
import { ScrollRegion } from '../../../components/ui/scroll-region';
import { formatBoolean, formatCount, formatDateTime, formatRate, formatRelative } from '../../../lib/format';
import { typeText } from '../lib/display';
import { HealthReasonText } from './health-reason';
import { MqApiState } from './mq-api-state';
import { ConnectionBadge, HealthBadge } from './session-badges';
import { Bytes, Seconds } from './units';

const when = (iso: string | undefined) =>
  iso ? (
    <time dateTime={iso} title={formatRelative(iso)}>
      {formatDateTime(iso)} <span className="muted small">({formatRelative(iso)})</span>
    </time>
  ) : undefined;

export function ConnectionCard({ session }: { session: SessionDetail }) {
  return (
    <Card title="Connection">
      <DescriptionList
        omitEmpty
        items={[
          session.sessionType === 'mqApi'
            ? ['State', <MqApiState session={session} backlog={session.stats?.currentDeliveryBacklogged} />]
            : ['Connection status', <ConnectionBadge status={session.connectionStatus} />],
          ['Session type', typeText[session.sessionType]],
          ['IP address', session.ipaddress && <span className="mono">{session.ipaddress}</span>],
          ['Port', session.port],
          ['Username', session.username],
          ['Connected at', when(session.connectionDateTime)],
          ['Disconnected at', when(session.disconnectionDateTime)],
          ['Created at', when(session.createdDateTime)],
          ['Last failed connect', when(session.lastFailedConnectDateTime)],
          ['Last failed connect reason', session.lastFailedConnectReason],
        ]}
      />
    </Card>
  );
}

export function ProtocolCard({ session }: { session: SessionDetail }) {
  const o = session.defaultResponseOptions;
  return (
    <Card title="Protocol and limits">
      <DescriptionList
        omitEmpty
        items={[
          ['MQTT protocol', session.mqttProtocol],
          ['Temporary session', formatBoolean(session.temporarySession)],
          ['Clean session', formatBoolean(session.cleanSession)],
          ['Keep-alive', <Seconds value={session.keepAliveSeconds} />],
          ['Session expiry interval', <Seconds value={session.sessionExpiryInterval} />],
          ['Receive maximum', formatCount(session.receiveMaximum)],
          ['Maximum packet size', <Bytes value={session.maximumPacketSize} />],
          ['Topic alias maximum', formatCount(session.topicAliasMaximum)],
          ['Request problem information', formatBoolean(session.requestProblemInformation)],
          ['Request response information', formatBoolean(session.requestResponseInformation)],
          ['MQTT payload type', session.mqttPayloadType],
          ['Default binary format', session.defaultBinaryFormat],
          ['Default variant format', session.defaultVariantFormat],
          ['Default response options', o && `binary ${o.binaryFormat}, variant ${o.variantFormat}, data ${o.dataFormat}, numbers ${o.numberFormat}`],
          ['Subscriber count', formatCount(session.subscriberCount)],
        ]}
      />
    </Card>
  );
}

const threshold = (n: number | undefined) => (n ? formatRate(n) : <span className="muted">not set</span>);

/**
 * One measure against its thresholds; the broken one (issue 13) is marked in words, not only by
 * colour: "broken" after its name, and its current value and the limit it crosses emphasised.
 */
function MeasureRow({ label, now, min, max, broken }: { label: string; now: ReactNode; min: ReactNode; max: ReactNode; broken?: 'below' | 'above' }) {
  return (
    <tr className={broken ? 'measure-broken' : undefined}>
      <th scope="row">
        {label}
        {broken && <> <Badge tone="danger">broken</Badge></>}
      </th>
      <td className="num">{broken ? <strong>{now}</strong> : now}</td>
      <td className={broken === 'below' ? 'num limit-broken' : 'num'}>{min}</td>
      <td className={broken === 'above' ? 'num limit-broken' : 'num'}>{max}</td>
    </tr>
  );
}

export function HealthCard({ session }: { session: SessionDetail }) {
  const stats = session.stats;
  if (!stats)
    return (
      <Card title="Health">
        <p className="muted">The server sent no statistics for this session.</p>
      </Card>
    );
  const filters = session.subscribedTopics?.length ?? 0;
  const broken = stats.sessionHealth === 'unhealthy' ? stats.unhealthyReasonDetail : undefined;
  return (
    <Card title="Health">
      <div className="health-head">
        <HealthBadge health={stats.sessionHealth} mqApi={session.sessionType === 'mqApi'} />
        {stats.sessionHealth === 'offline' && (
          <span className="muted small">
            {session.sessionType === 'mqApi' ? 'Health is evaluated once the session is used or subscribes.' : 'Health is evaluated while the session is connected.'}
          </span>
        )}
      </div>
      {stats.sessionHealth === 'unhealthy' && (
        <div className="callout callout-error health-callout">
          <p>
            <strong>Reason:</strong> <HealthReasonText detail={stats.unhealthyReasonDetail} fallback={stats.unhealthyReason} />
          </p>
          {stats.unhealthySince && (
            <p>
              <strong>Unhealthy since</strong> {when(stats.unhealthySince)}
            </p>
          )}
        </div>
      )}
      <ScrollRegion label="Health thresholds">
      <table className="mini-table">
        <caption className="sr-only">Health thresholds and current values</caption>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            <th scope="col" className="num">Now</th>
            <th scope="col" className="num">Minimum</th>
            <th scope="col" className="num">Maximum</th>
          </tr>
        </thead>
        <tbody>
          <MeasureRow label="Send rate per minute" now={formatRate(stats.publishRatePerMinute)} broken={broken?.measure === 'publishRatePerMinute' ? broken.comparison : undefined}
            min={threshold(stats.minHealthySendRatePerMinute)} max={threshold(stats.maxHealthySendRatePerMinute)} />
          <MeasureRow label="Backlog rate per minute" now={formatRate(stats.deliveryBacklogRatePerMinute)} broken={broken?.measure === 'deliveryBacklogRatePerMinute' ? broken.comparison : undefined}
            min={<span className="muted">—</span>} max={threshold(stats.maxHealthyBacklogRatePerMinute)} />
          <MeasureRow label="Subscribed topic filters" now={formatCount(filters)} broken={broken?.measure === 'subscribedTopicFiltersCount' ? broken.comparison : undefined}
            min={threshold(stats.minHealthySubscribedTopicFiltersCount)} max={threshold(stats.maxHealthySubscribedTopicFiltersCount)} />
        </tbody>
      </table>
      </ScrollRegion>
    </Card>
  );
}

type StatKey = keyof SessionStats;
const statRows: Array<{ label: string; cells: Array<StatKey | null> }> = [
  { label: 'Published', cells: ['totalMessagesPublished', 'publishRatePerMinute', 'publishRatePerMinuteLast10Minutes', 'publishRatePerMinuteInSession', 'publishRatePerHour', null] },
  { label: 'Received', cells: ['totalMessagesReceived', 'receiveMessagesPerMinute', 'receiveMessagesPerMinuteLast10Minutes', 'receiveMessagesPerMinuteSinceInSession', 'receiveMessagesPerHour', null] },
  { label: 'Delivery backlog', cells: ['currentDeliveryBacklogged', 'deliveryBacklogRatePerMinute', 'deliveryBacklogRatePerMinuteLast10Minutes', 'deliveryBacklogRatePerMinuteInSession', 'deliveryBacklogRatePerHour', 'deliveryBacklogRatePerDay'] },
];
const statColumns = ['Total / now', 'Last minute', 'Per minute, last 10 min', 'Per minute, this connection', 'Last hour', 'Per day'];

/** Every field of the seed's `stats` object (DESIGN §3 defines each window). */
export function StatsCard({ stats }: { stats: SessionStats | undefined }) {
  return (
    <Card title="Statistics" className="card-wide">
      {!stats ? (
        <p className="muted">No statistics.</p>
      ) : (
        <ScrollRegion label="Message statistics">
          <table className="mini-table">
            <caption className="sr-only">Message statistics</caption>
            <thead>
              <tr>
                <th scope="col">Messages</th>
                {statColumns.map((c) => (
                  <th scope="col" className="num" key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {statRows.map((row) => (
                <tr key={row.label}>
                  <th scope="row">{row.label}</th>
                  {row.cells.map((key, i) => (
                    <td className="num" key={i} title={key ?? undefined}>
                      {key === null ? <span className="muted">—</span> : i === 0 ? formatCount(stats[key] as number) : formatRate(stats[key] as number)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </Card>
  );
}
