import { LabelsManager } from '../../features/labels/components/labels-manager';

/** Labels page (issue 13): every label by group with its session count, and the operator's edits. */
export function LabelsRoute() {
  return (
    <div className="page page-medium">
      <title>Labels · mqdash</title>
      <div className="page-header">
        <h1 className="page-title">Labels</h1>
      </div>
      <LabelsManager />
    </div>
  );
}
