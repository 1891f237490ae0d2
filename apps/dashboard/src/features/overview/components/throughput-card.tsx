import { useMemo } from 'react';
import type { OverviewSample } from '@mqdash/contracts';
import { Card } from '../../../components/ui/card';
import { TimeSeriesChart } from '../../../components/ui/time-series-chart';
import { formatCount, formatRate } from '../../../lib/format';
import { throughputSeries, useLiveThroughput } from '../lib/throughput';

const messageSeries = [
  { label: 'In (published)', tone: 1 },
  { label: 'Out (delivered)', tone: 2 },
] as const;
const connectionSeries = [{ label: 'Connections', tone: 3 }] as const;

/** Messages in/out per second and connections over the last hour; live points every 5 s. */
export function ThroughputCard({ history, nowMs }: { history: readonly OverviewSample[]; nowMs: number }) {
  const live = useLiveThroughput();
  const series = useMemo(() => throughputSeries(history, live, nowMs / 1000), [history, live, nowMs]);
  const messages = useMemo(() => [series.t, series.inPerSecond, series.outPerSecond] as const, [series]);
  const connections = useMemo(() => [series.t, series.connections] as const, [series]);
  const lastHour = useMemo(() => [nowMs / 1000 - 3600, nowMs / 1000] as const, [nowMs]);
  return (
    <Card title="Throughput, last hour" className="card-wide">
      <div className="chart-grid">
        <TimeSeriesChart title="Messages per second" series={messageSeries} data={messages} format={formatRate} timeRange={lastHour} emptyText="No traffic recorded yet" />
        <TimeSeriesChart title="Connections" series={connectionSeries} data={connections} format={formatCount} integers timeRange={lastHour} emptyText="No samples yet" />
      </div>
    </Card>
  );
}
