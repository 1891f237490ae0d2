import { useMemo } from 'react';
import { Card } from '../../../components/ui/card';
import { Spinner } from '../../../components/ui/spinner';
import { TimeSeriesChart } from '../../../components/ui/time-series-chart';
import { errorMessage } from '../../../lib/api-client';
import { formatCount } from '../../../lib/format';
import { useSessionHistory } from '../api/get-session-history';

const messageSeries = [
  { label: 'Published', tone: 1 },
  { label: 'Received', tone: 2 },
] as const;
const backlogSeries = [{ label: 'Backlog', tone: 4 }] as const;

/** The session's publish and receive counts per minute and its delivery backlog over the last hour. */
export function SessionRateCharts({ clientName }: { clientName: string }) {
  const history = useSessionHistory(clientName);
  const data = useMemo(() => {
    const minutes = history.data?.minutes ?? [];
    const t = minutes.map((m) => Date.parse(m.ts) / 1000);
    return {
      messages: [t, minutes.map((m) => m.published), minutes.map((m) => m.received)] as const,
      backlog: [t, minutes.map((m) => m.backlog)] as const,
    };
  }, [history.data]);

  return (
    <Card title="Rates, last hour" className="card-wide">
      {history.isPending ? (
        <Spinner label="Loading rates…" />
      ) : history.isError && !history.data ? (
        <p className="callout callout-error" role="alert">Could not load the rates: {errorMessage(history.error)}</p>
      ) : (
        <div className="chart-grid">
          <TimeSeriesChart title="Messages per minute" series={messageSeries} data={data.messages} format={formatCount} integers />
          <TimeSeriesChart title="Delivery backlog" series={backlogSeries} data={data.backlog} format={formatCount} integers />
        </div>
      )}
    </Card>
  );
}
