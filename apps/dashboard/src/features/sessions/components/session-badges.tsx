import type { ConnectionStatus, SessionHealth, SessionStatus } from '@mqdash/contracts';
import { Badge } from '../../../components/ui/badge';
import { connectionText, connectionTone, healthText, healthTone, mqApiOfflineHealthText, statusText, statusTone } from '../lib/display';

export const ConnectionBadge = ({ status }: { status: ConnectionStatus }) => <Badge tone={connectionTone[status]}>{connectionText[status]}</Badge>;

export const StatusBadge = ({ status }: { status: SessionStatus }) => <Badge tone={statusTone[status]}>{statusText[status]}</Badge>;

/** `mqApi`: an MQ API session is `offline` only until it is used or subscribes, and says so. */
export const HealthBadge = ({ health, mqApi }: { health: SessionHealth; mqApi?: boolean }) => (
  <Badge tone={healthTone[health]}>{mqApi && health === 'offline' ? mqApiOfflineHealthText : healthText[health]}</Badge>
);
