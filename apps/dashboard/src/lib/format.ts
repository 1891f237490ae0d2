/** Display helpers: dense, predictable formats for an admin table. */

const pad = (n: number) => String(n).padStart(2, '0');

/** `2025-09-18 20:56:13` in local time; the seeds' timestamps may lack a zone (then UTC is not assumed). */
export function formatDateTime(iso: string | undefined | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * For dense table cells: `20:56:13` today, `09-18 20:56` earlier this year, `2024-09-18` before;
 * the cell's tooltip has the full formatDateTime.
 */
export function formatShortDateTime(iso: string | undefined | null, now = new Date()): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameYear = date.getFullYear() === now.getFullYear();
  if (sameYear && date.getMonth() === now.getMonth() && date.getDate() === now.getDate())
    return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  if (sameYear) return `${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** "3 minutes ago", for tooltips and timelines. */
export function formatRelative(iso: string | undefined | null, now = Date.now()): string {
  if (!iso) return '';
  const time = new Date(iso).getTime();
  if (Number.isNaN(time)) return '';
  const diff = time - now;
  for (const [unit, ms] of units) if (Math.abs(diff) >= ms || unit === 'second') return relative.format(Math.round(diff / ms), unit);
  return '';
}

const integer = new Intl.NumberFormat();
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export const formatCount = (n: number | undefined | null): string => (n === undefined || n === null ? '—' : integer.format(n));
export const formatRate = (n: number | undefined | null): string => (n === undefined || n === null ? '—' : decimal.format(n));

/** Seeds: 4294967296 (and 0xFFFFFFFF) mean "never expires". */
export function formatSeconds(n: number | undefined | null): string {
  if (n === undefined || n === null) return '—';
  if (n >= 4294967295) return 'Never';
  return `${integer.format(n)} s`;
}

const durationUnits: Array<[string, number]> = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/**
 * A duration for people (issue 13): 86400 → "1 day", 90 → "1 minute 30 seconds", 0 → "0 seconds";
 * the two largest units, so the figure stays short. 0xFFFFFFFF and above mean "never" (seeds).
 */
export function formatSecondsInWords(n: number | undefined | null): string {
  if (n === undefined || n === null) return '—';
  if (n >= 4294967295) return 'Never';
  if (n <= 0) return '0 seconds';
  const parts: string[] = [];
  let rest = Math.round(n);
  for (const [unit, size] of durationUnits) {
    if (parts.length === 2) break;
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(plural(count, unit));
    else if (parts.length) break;
  }
  return parts.join(' ');
}

export const formatBoolean = (b: boolean | undefined | null): string => (b === undefined || b === null ? '—' : b ? 'Yes' : 'No');

/** Pretty JSON for read-only display. */
export function formatJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, null, 2) ?? '';
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${integer.format(n)} ${n === 1 ? one : many}`;

/** A size for people: 512 bytes, 3.4 KiB, 256 MiB (powers of 1024, named as such). */
export function formatBytes(n: number): string {
  if (n < 1024) return plural(n, 'byte');
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  for (; v >= 1024 && i < units.length - 1; i++) v /= 1024;
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** The exact figure behind a rounded one, for its tooltip: "268,435,455 bytes", "86,400 seconds". */
export const exactBytes = (n: number): string => plural(n, 'byte');
export const exactSeconds = (n: number): string => plural(n, 'second');
