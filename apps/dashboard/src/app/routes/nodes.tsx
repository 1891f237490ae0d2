import { NodesTable } from '../../features/nodes/components/nodes-table';

/** Nodes page (issue 11): the cluster's nodes, up or down, since when, connections. */
export function NodesRoute() {
  return (
    <div className="page page-medium">
      <title>Nodes · mqdash</title>
      <div className="page-header">
        <h1 className="page-title">Nodes</h1>
      </div>
      <NodesTable />
    </div>
  );
}
