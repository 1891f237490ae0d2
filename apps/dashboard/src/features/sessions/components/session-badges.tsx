import type { ConnectionStatus, SessionHealth, SessionStatus } from '@mqdash/contracts';
import { Badge } from '../../../components/ui/badge';
import { connectionText, connectionTone, healthText, healthTone, statusText, statusTone } from '../lib/display';

export const ConnectionBadge = ({ status }: { status: ConnectionStatus }) => <Badge tone={connectionTone[status]}>{connectionText[status]}</Badge>;

export const StatusBadge = ({ status }: { status: SessionStatus }) => <Badge tone={statusTone[status]}>{statusText[status]}</Badge>;

export const HealthBadge = ({ health }: { health: SessionHealth }) => <Badge tone={healthTone[health]}>{healthText[health]}</Badge>;
