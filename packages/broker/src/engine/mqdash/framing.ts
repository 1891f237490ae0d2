/**
 * Splits the byte stream into whole MQTT packets before parsing, so that the Maximum Packet Size is
 * enforced from the fixed header alone [MQTT-3.1.2-24 for the client side, 3.2.2.3.6 for the
 * server's own limit] and an oversized packet is never buffered.
 */

export type Frame = { kind: 'packet'; packet: Buffer } | { kind: 'incomplete' } | { kind: 'malformed' } | { kind: 'too-large'; size: number };

const EMPTY = Buffer.alloc(0);

export class Framer {
  private pending: Buffer = EMPTY;

  constructor(private readonly maximumPacketSize: number) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
  }

  /** The first byte of the next packet (its type and flags), as soon as it has arrived. */
  firstByte(): number | undefined {
    return this.pending.length > 0 ? this.pending[0] : undefined;
  }

  /** The next whole packet, or why there is none yet. */
  next(): Frame {
    const buf = this.pending;
    if (buf.length < 2) return { kind: 'incomplete' };
    let remaining = 0;
    let multiplier = 1;
    let pos = 1;
    for (;;) {
      if (pos >= buf.length) return { kind: 'incomplete' };
      if (pos > 4) return { kind: 'malformed' }; // the Remaining Length has at most four bytes
      const byte = buf[pos++]!;
      remaining += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) break;
    }
    const size = pos + remaining;
    if (this.maximumPacketSize > 0 && size > this.maximumPacketSize) return { kind: 'too-large', size };
    if (buf.length < size) return { kind: 'incomplete' };
    // an idle connection keeps no reference to the last chunk read
    this.pending = size === buf.length ? EMPTY : buf.subarray(size);
    return { kind: 'packet', packet: buf.subarray(0, size) };
  }
}

/**
 * Whether a client may send a packet starting with this byte: a known type with the flags MQTT fixes
 * for it [MQTT-2.2.2-1, 2.2.2-2] (PUBREL, SUBSCRIBE and UNSUBSCRIBE 0b0010, PUBLISH any but QoS 3
 * [MQTT-3.3.1-4], the rest 0), type 0 never, AUTH (15) in MQTT 5 only. Checked from the first byte, so
 * that a bad packet closes the connection at once instead of after the length it declares.
 */
export function validFirstByte(byte: number, protocolVersion: 4 | 5): boolean {
  const type = byte >> 4;
  const flags = byte & 0x0f;
  if (type === 3) return (flags & 0x06) !== 0x06;
  if (type === 6 || type === 8 || type === 10) return flags === 0x02;
  if (type === 0 || (type === 15 && protocolVersion !== 5)) return false;
  return flags === 0;
}

/**
 * Protocol name and level of a CONNECT frame, read before the parser sees it so that an unsupported
 * level can be answered with CONNACK 0x01 / 0x84 [MQTT-3.1.2-2] instead of a parse error.
 */
export function connectProtocol(packet: Buffer): { name: string; level: number } | undefined {
  let pos = 1;
  while (pos < 5 && (packet[pos]! & 0x80) !== 0) pos++;
  pos++;
  if (pos + 2 > packet.length) return undefined;
  const nameLength = packet.readUInt16BE(pos);
  pos += 2;
  if (pos + nameLength + 1 > packet.length) return undefined;
  const name = packet.toString('utf8', pos, pos + nameLength);
  return { name, level: packet[pos + nameLength]! & 0x7f };
}
