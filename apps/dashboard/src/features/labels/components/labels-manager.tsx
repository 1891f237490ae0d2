import type { LabelInfo } from '@mqdash/contracts';
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { Pencil, Plus, Trash } from '../../../components/ui/icons';
import { Spinner } from '../../../components/ui/spinner';
import { EmptyState, ErrorState } from '../../../components/ui/states';
import { errorMessage } from '../../../lib/api-client';
import { useCan } from '../../../lib/permissions';
import { toast } from '../../../lib/toast';
import { useAlterLabel } from '../api/alter-label';
import { useDeleteLabel } from '../api/delete-label';
import { labelText, useLabels } from '../api/list-labels';
import { colorName, labelColor } from '../lib/label-color';
import { groupLabels } from '../lib/group-labels';
import { LabelSwatch } from './label-color-picker';
import { LabelFormDialog } from './label-form-dialog';

const sessionsText = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'session' : 'sessions'}`;
const carryText = (n: number) => `${sessionsText(n)} ${n === 1 ? 'carries' : 'carry'}`;

/**
 * The Labels screen (issue 13): every label by group with how many sessions carry it; operators
 * create, rename, recolour, deprecate and delete (asking first, Cancel focused). Viewers read.
 */
export function LabelsManager() {
  const labels = useLabels({ current: true });
  const canEdit = useCan('operator');
  const alter = useAlterLabel();
  const remove = useDeleteLabel();
  const [editing, setEditing] = useState<LabelInfo | null | 'new'>(null);
  const [deleting, setDeleting] = useState<LabelInfo | null>(null);

  const toggleDeprecated = (l: LabelInfo) =>
    alter.mutate({ id: l.id, deprecated: !l.deprecated }, {
      onSuccess: (a) => toast.success(a.deprecated ? 'Label deprecated' : 'Label in use again', labelText(a)),
    });

  return (
    <>
      {canEdit && (
        <div className="labels-toolbar">
          <Button variant="primary" onPress={() => setEditing('new')}><Plus /> Create label</Button>
        </div>
      )}
      {labels.isPending ? (
        <Spinner label="Loading labels…" />
      ) : labels.isError ? (
        <ErrorState title="Could not load the labels" message={errorMessage(labels.error)} onRetry={() => void labels.refetch()} />
      ) : labels.data.length === 0 ? (
        <EmptyState title="No labels yet">
          Labels group sessions (for example by site or device kind) and filter the sessions table.{canEdit && ' Create the first one here.'}
        </EmptyState>
      ) : (
        groupLabels(labels.data).map(({ group, labels: rows }) => (
          <section key={group} className="card labels-group" aria-label={group ? `Group ${group}` : 'No group'}>
            <h2 className="card-title labels-group-title">{group || <span className="muted">No group</span>}</h2>
            <div className="mini-table-scroll">
              <table className="mini-table labels-table">
                <thead>
                  <tr>
                    <th scope="col">Label</th>
                    <th scope="col" className="num">Sessions</th>
                    <th scope="col">Status</th>
                    {canEdit && <th scope="col"><span className="sr-only">Actions</span></th>}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((l) => {
                    const color = labelColor(l);
                    return (
                      <tr key={l.id}>
                        <td>
                          <span className="label-chip">
                            <LabelSwatch color={color} />
                            <span className="label-name">{l.name}</span>
                            {color && <span className="sr-only">, colour {colorName(color)}</span>}
                          </span>
                          {l.description && <span className="muted small block">{l.description}</span>}
                        </td>
                        <td className="num" aria-label={`${carryText(l.sessionCount)} ${labelText(l)}`}>{l.sessionCount.toLocaleString()}</td>
                        <td>{l.deprecated ? <Badge tone="warning">Deprecated</Badge> : <Badge tone="success">In use</Badge>}</td>
                        {canEdit && (
                          <td className="cell-actions">
                            <Button size="sm" variant="ghost" aria-label={`Edit ${labelText(l)}`} onPress={() => setEditing(l)}><Pencil /> Edit</Button>
                            <Button size="sm" variant="ghost" aria-label={`${l.deprecated ? 'Undeprecate' : 'Deprecate'} ${labelText(l)}`}
                              isPending={alter.isPending && alter.variables?.id === l.id} onPress={() => toggleDeprecated(l)}>
                              {l.deprecated ? 'Undeprecate' : 'Deprecate'}
                            </Button>
                            <Button size="sm" variant="danger-ghost" aria-label={`Delete ${labelText(l)}`} onPress={() => setDeleting(l)}><Trash /> Delete</Button>
                          </td>
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </section>
        ))
      )}
      {editing !== null && <LabelFormDialog isOpen onClose={() => setEditing(null)} label={editing === 'new' ? null : editing} />}
      <ConfirmDialog
        isOpen={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={`Delete label ${deleting ? labelText(deleting) : ''}?`}
        confirmLabel="Delete label"
        focusCancel
        isPending={remove.isPending}
        onConfirm={() => {
          const l = deleting;
          if (!l) return;
          remove.mutate(l.id, {
            onSuccess: (r) => {
              toast.success('Label deleted', `${labelText(l)}; ${carryText(r.sessionsUnlabeled)} no label now.`);
              setDeleting(null);
            },
          });
        }}
      >
        <p>
          {deleting && deleting.sessionCount > 0
            ? `${carryText(deleting.sessionCount)} this label. ${deleting.sessionCount === 1 ? 'It keeps working and carries' : 'They keep working and carry'} no label afterwards; filters and links that name the label match nothing.`
            : 'No session carries this label.'}{' '}
          This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}
