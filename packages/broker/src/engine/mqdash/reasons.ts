/**
 * Reason strings (MQTT 5 §2.4, §3.1.2.11.7) for the reason codes the engine puts on its
 * acknowledgements: sent only to a client that wants problem information [MQTT-3.1.2-29], and left
 * off when they would make the packet too large for it [MQTT-3.4.2-2, 3.9.2-1].
 */
const REASON_STRINGS: Readonly<Record<number, string>> = {
  0x10: 'no matching subscribers',
  0x11: 'no subscription existed',
  0x80: 'unspecified error',
  0x87: 'not authorized',
  0x8f: 'topic filter invalid',
  0x92: 'packet identifier not found',
  0x97: 'quota exceeded',
};

/** The reason string for a reason code, or undefined for success and codes without one. */
export function reasonStringOf(reasonCode: number): string | undefined {
  return REASON_STRINGS[reasonCode];
}

/** The reason string for an acknowledgement carrying several codes: each failing code once, in order. */
export function reasonStringOfCodes(reasonCodes: readonly number[]): string | undefined {
  const strings = [...new Set(reasonCodes)].map(reasonStringOf).filter((s): s is string => s !== undefined);
  return strings.length > 0 ? strings.join('; ') : undefined;
}
