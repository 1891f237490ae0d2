import type { PayloadFormat } from '@mqdash/contracts';

/** Payloads shown to people: as text, pretty JSON or a hex dump (the topic peek, the Retained screen). */

/** How a peeked payload is shown. */
export type PayloadView = 'text' | 'json' | 'hex';

/** A payload as the API wrote it (`binaryFormat`) → its bytes. */
export function payloadBytes(payload: unknown, format: PayloadFormat): Uint8Array {
  if (format === 'base64' && typeof payload === 'string') {
    const binary = atob(payload);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }
  if (format === 'byteArray' && Array.isArray(payload)) return Uint8Array.from(payload as number[]);
  if (format === 'hex' && typeof payload === 'string') {
    const bytes = new Uint8Array(payload.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(payload.slice(i * 2, i * 2 + 2), 16);
    return bytes;
  }
  const text = format === 'json' ? JSON.stringify(payload) : typeof payload === 'string' ? payload : JSON.stringify(payload);
  return new TextEncoder().encode(text ?? '');
}

/** The bytes as UTF-8 text, or null when they are not UTF-8. */
export function asText(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The bytes as pretty JSON, or null when they are not a JSON text. */
export function asJson(bytes: Uint8Array): string | null {
  const text = asText(bytes);
  if (text === null || text.trim() === '') return null;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

/** A hex dump: offset, 16 bytes in hex, and their printable ASCII. */
export function asHex(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const chunk = bytes.subarray(offset, offset + 16);
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

/** The payload in the chosen view, or why it cannot be shown that way. */
export function renderPayload(bytes: Uint8Array, view: PayloadView): { text: string; note?: string } {
  if (bytes.length === 0) return { text: '', note: 'Empty payload' };
  if (view === 'hex') return { text: asHex(bytes) };
  if (view === 'json') {
    const json = asJson(bytes);
    if (json !== null) return { text: json };
    const text = asText(bytes);
    return text === null ? { text: asHex(bytes), note: 'Not JSON (not even UTF-8 text): shown as hex' } : { text, note: 'Not valid JSON: shown as text' };
  }
  const text = asText(bytes);
  return text === null ? { text: asHex(bytes), note: 'Not UTF-8 text: shown as hex' } : { text };
}
