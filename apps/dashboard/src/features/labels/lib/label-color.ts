import type { LabelInfo } from '@mqdash/contracts';

/**
 * The label colours the dashboard offers (issue 13): a small palette, each readable as a swatch on
 * the light and the dark theme, with a name for screen readers. The colour is kept in the label's
 * `metadata.color` (a CSS hex colour, checked by the contract).
 */
export const labelPalette: ReadonlyArray<{ hex: string; name: string }> = [
  { hex: '#64748b', name: 'Slate' },
  { hex: '#dc2626', name: 'Red' },
  { hex: '#ea580c', name: 'Orange' },
  { hex: '#ca8a04', name: 'Amber' },
  { hex: '#16a34a', name: 'Green' },
  { hex: '#0d9488', name: 'Teal' },
  { hex: '#2563eb', name: 'Blue' },
  { hex: '#7c3aed', name: 'Violet' },
  { hex: '#db2777', name: 'Pink' },
];

export const DEFAULT_LABEL_COLOR = labelPalette[0]!.hex;

/** The label's colour from `metadata.color`, or undefined when it has none. */
export function labelColor(label: Pick<LabelInfo, 'metadata'>): string | undefined {
  const m = label.metadata;
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return undefined;
  const c = (m as Record<string, unknown>).color;
  return typeof c === 'string' ? c : undefined;
}

/** The palette name of a colour ("Blue"), or the hex itself for a colour set elsewhere. */
export const colorName = (hex: string): string => labelPalette.find((p) => p.hex.toLowerCase() === hex.toLowerCase())?.name ?? hex;

/** The label's metadata with `color` set, keeping whatever else it holds. */
export function withColor(metadata: unknown, color: string): Record<string, unknown> {
  const base = metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {};
  return { ...base, color };
}
