import { Badge } from '../../../components/ui/badge';
import { Spinner } from '../../../components/ui/spinner';
import { ErrorState } from '../../../components/ui/states';
import { errorMessage } from '../../../lib/api-client';
import { formatCount, formatDateTime, formatRelative } from '../../../lib/format';
import { useNow } from '../../../lib/use-now';
import { useNodes } from '../api/list-nodes';
import { nodesSummary, sortNodes } from '../lib/node-summary';

/**
 * The Nodes screen (issue 11): every node of the cluster this node knows (Redis heartbeats), up or
 * down, since when, and its MQTT connections. Without REDIS_URL it shows this node alone and says so.
 */
export function NodesTable() {
  const nodes = useNodes();
  const now = useNow(10_000);
  if (nodes.isPending) return <Spinner label="Loading nodes…" />;
  if (nodes.isError) return <ErrorState title="Could not load the nodes" message={errorMessage(nodes.error)} onRetry={() => void nodes.refetch()} />;
  const { data, clustered, nodeName } = nodes.data;
  return (
    <section className="card" aria-labelledby="nodes-summary">
      <div className="card-header">
        <h2 className="card-title" id="nodes-summary">{nodesSummary(data)}</h2>
      </div>
      <div className="card-body">
        {!clustered && (
          <p className="muted">This node runs alone (no <code>REDIS_URL</code>): it is the only node.</p>
        )}
        <div className="mini-table-scroll">
          <table className="mini-table">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">State</th>
                <th scope="col">Since</th>
                <th scope="col" className="num">Connections</th>
              </tr>
            </thead>
            <tbody>
              {sortNodes(data).map((n) => (
                <tr key={n.name}>
                  <td>
                    {n.name}
                    {n.name === nodeName && <span className="muted"> (this node)</span>}
                  </td>
                  <td>{n.up ? <Badge tone="success">Up</Badge> : <Badge tone="danger">Down</Badge>}</td>
                  <td title={formatDateTime(n.since)}>{formatRelative(n.since, now)}</td>
                  <td className="num">{n.up ? formatCount(n.connections) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
