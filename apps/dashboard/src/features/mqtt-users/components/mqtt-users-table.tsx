import type { MqttUserInfo } from '@mqdash/contracts';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Trash } from '../../../components/ui/icons';
import { formatCount, formatDateTime } from '../../../lib/format';

export interface MqttUsersTableProps {
  users: MqttUserInfo[];
  /** The account whose enable/disable is being saved. */
  pendingUsername?: string;
  onEnable: (user: MqttUserInfo) => void;
  onDisable: (user: MqttUserInfo) => void;
  onResetPassword: (user: MqttUserInfo) => void;
  onDelete: (user: MqttUserInfo) => void;
  /** No actions column (issue 12: the role may not manage accounts). */
  readOnly?: boolean;
}

/** The MQTT accounts: user name, status, description, connected clients, created; actions per row named for the account. */
export function MqttUsersTable({ users, pendingUsername, onEnable, onDisable, onResetPassword, onDelete, readOnly }: MqttUsersTableProps) {
  return (
    <div className="mini-table-scroll">
      <table className="mini-table mqtt-users-table">
        <caption className="sr-only">MQTT accounts</caption>
        <thead>
          <tr>
            <th scope="col">User name</th>
            <th scope="col">Status</th>
            <th scope="col">Description</th>
            <th scope="col" className="num">Connected</th>
            <th scope="col">Created</th>
            {!readOnly && <th scope="col"><span className="sr-only">Actions</span></th>}
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.username}>
              <th scope="row"><span className="mono key-name">{u.username}</span></th>
              <td>{u.enabled ? <Badge tone="success">Enabled</Badge> : <Badge tone="muted">Disabled</Badge>}</td>
              <td className="mqtt-user-description">{u.description || <span className="muted">—</span>}</td>
              <td className="num">{formatCount(u.connectedClients)}</td>
              <td className="nowrap">
                {formatDateTime(u.createdDateTime)}
                {u.createdBy && <span className="muted small block">by {u.createdBy}</span>}
              </td>
              {!readOnly && <td className="cell-actions">
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`${u.enabled ? 'Disable' : 'Enable'} ${u.username}`}
                  isPending={pendingUsername === u.username}
                  onPress={() => (u.enabled ? onDisable(u) : onEnable(u))}
                >
                  {u.enabled ? 'Disable' : 'Enable'}
                </Button>
                <Button size="sm" variant="ghost" aria-label={`Reset password of ${u.username}`} onPress={() => onResetPassword(u)}>
                  Reset password
                </Button>
                <Button size="sm" variant="danger-ghost" aria-label={`Delete ${u.username}`} onPress={() => onDelete(u)}>
                  <Trash /> Delete
                </Button>
              </td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
