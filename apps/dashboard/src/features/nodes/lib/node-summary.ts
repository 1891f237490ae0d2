import type { ClusterNodeInfo } from '@mqdash/contracts';
import { plural } from '../../../lib/format';

/** Down nodes first (they need attention), then by name. */
export const sortNodes = (nodes: ClusterNodeInfo[]): ClusterNodeInfo[] =>
  [...nodes].sort((a, b) => Number(a.up) - Number(b.up) || a.name.localeCompare(b.name));

/** "3 nodes: 2 up, 1 down" — the screen's one-line summary (also read by screen readers). */
export function nodesSummary(nodes: ClusterNodeInfo[]): string {
  const up = nodes.filter((n) => n.up).length;
  const down = nodes.length - up;
  return `${plural(nodes.length, 'node')}: ${up} up${down > 0 ? `, ${down} down` : ''}`;
}
