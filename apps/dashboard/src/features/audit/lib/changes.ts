import type { AuditChange } from '@mqdash/contracts';

/** Issue 13: one changed field of an audit entry in words: "Status: Normal → Banned". */
export interface ChangeLine {
  field: string;
  label: string;
  before: string;
  after: string;
  /** A password or secret: changed, values never recorded. */
  secret: boolean;
}

/** Field names in words; others are spelt out from their camelCase ("willTopic" → "Will topic"). */
const fieldLabels: Record<string, string> = {
  sessionStatus: 'Status',
  label: 'Label',
  temporarySession: 'Temporary session',
  sessionExpiryInterval: 'Session expiry',
  keepAliveSeconds: 'Keep-alive',
  minHealthySendRatePerMinute: 'Lowest healthy publish rate (/min)',
  maxHealthySendRatePerMinute: 'Highest healthy publish rate (/min)',
  maxHealthyBacklogRatePerMinute: 'Highest healthy backlog growth (/min)',
  minHealthySubscribedTopicFiltersCount: 'Fewest healthy subscriptions',
  maxHealthySubscribedTopicFiltersCount: 'Most healthy subscriptions',
  willQoS: 'Will QoS',
  mqttPayloadType: 'Payload type',
  allowAnonymous: 'Anonymous MQTT access',
  sessionsNotConnectedForDays: 'Remove sessions not connected for (days)',
  includePermanentSessions: 'Include permanent sessions',
  auditLogMaxAgeDays: 'Audit log kept for (days)',
  auditLogMaxEntries: 'Audit log entries kept',
  queuedMessagesMaxAgeDays: 'Queued messages kept for (days)',
  sessionEventsMaxAgeDays: 'Session timeline events kept for (days)',
  accountDescription: 'Description',
};

const statusWords: Record<string, string> = { normal: 'Normal', hidden: 'Hidden', banned: 'Banned', inactive: 'Inactive' };

export const fieldLabel = (field: string): string => {
  const known = fieldLabels[field];
  if (known) return known;
  const words = field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** A recorded value in words: none, Yes/No, a label as group/name, a status by its name. */
export function valueWords(field: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return 'none';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (field === 'sessionStatus' && typeof value === 'string') return statusWords[value] ?? value;
  if (typeof value === 'number') return new Intl.NumberFormat('en-US').format(value);
  if (field === 'label' && typeof value === 'object' && 'name' in value) {
    const l = value as { group?: string; name: string };
    return l.group ? `${l.group}/${l.name}` : l.name;
  }
  if (typeof value === 'string') return value.length > 120 ? `${value.slice(0, 120)}…` : value;
  const json = JSON.stringify(value);
  return json.length > 120 ? `${json.slice(0, 120)}…` : json;
}

/** An audit entry's `details.changes` as lines; anything not shaped as a change is left out. */
export function changeLines(details: Record<string, unknown>): ChangeLine[] {
  const changes = Array.isArray(details.changes) ? (details.changes as AuditChange[]) : [];
  return changes
    .filter((c) => c && typeof c.field === 'string')
    .map((c) => ({
      field: c.field, label: fieldLabel(c.field), secret: c.secret === true,
      before: c.secret ? '' : valueWords(c.field, c.before), after: c.secret ? '' : valueWords(c.field, c.after),
    }));
}
