/**
 * The packed form of one topic-history write batch (a `topic_history` row's `data`): the messages
 * of consecutive positions, each as a 19-byte header then its publisher, properties and payload.
 *
 *   u32 payload length | f64 timestamp (epoch ms) | u8 flags (bits 0-1 QoS, bit 2 retain)
 *   | u16 publisher length | u32 properties length | publisher (UTF-8) | properties (JSON) | payload
 *
 * All integers little-endian. Position = the row's first_position + the record's index.
 */
export const RECORD_HEADER = 19;

/** One message to pack; `payload` is a view of the topic's arena. */
export interface ChunkInput {
  ts: number;
  qos: number;
  retain: boolean;
  publisher: string | null;
  props: string | null;
  payload: Buffer;
}

export interface ChunkRecord {
  ts: number;
  qos: number;
  retain: boolean;
  publisher: string | null;
  props: string | null;
  payload: Buffer;
}

/** Writes one record at `o` (the caller sized `out`); returns the offset after it. */
export function writeRecord(
  out: Buffer, o: number, ts: number, qos: number, retain: boolean, publisher: string | null, pubLen: number,
  props: string | null, propsLen: number, payload: Buffer, payloadStart: number, payloadEnd: number,
): number {
  out.writeUInt32LE(payloadEnd - payloadStart, o);
  out.writeDoubleLE(ts, o + 4);
  out[o + 12] = (qos & 3) | (retain ? 4 : 0);
  out.writeUInt16LE(pubLen, o + 13);
  out.writeUInt32LE(propsLen, o + 15);
  o += RECORD_HEADER;
  if (pubLen) o += out.write(publisher!, o, pubLen, 'utf8');
  if (propsLen) o += out.write(props!, o, propsLen, 'utf8');
  return o + payload.copy(out, o, payloadStart, payloadEnd);
}

/** UTF-8 length of a publisher name as stored (at most 65,535 bytes). */
export const publisherBytes = (p: string | null): number => (p ? Math.min(Buffer.byteLength(p), 0xffff) : 0);

export function packChunk(items: readonly ChunkInput[]): Buffer {
  let size = 0;
  const pubLens: number[] = new Array(items.length);
  const propLens: number[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    pubLens[i] = publisherBytes(it.publisher);
    propLens[i] = it.props ? Buffer.byteLength(it.props) : 0;
    size += RECORD_HEADER + pubLens[i]! + propLens[i]! + it.payload.length;
  }
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    o = writeRecord(out, o, it.ts, it.qos, it.retain, it.publisher, pubLens[i]!, it.props, propLens[i]!, it.payload, 0, it.payload.length);
  }
  return out;
}

/** Offsets of the records of a chunk (headers only are read). */
export function recordOffsets(data: Buffer): number[] {
  const offsets: number[] = [];
  let o = 0;
  while (o + RECORD_HEADER <= data.length) {
    offsets.push(o);
    o += RECORD_HEADER + data.readUInt16LE(o + 13) + data.readUInt32LE(o + 15) + data.readUInt32LE(o);
  }
  return offsets;
}

export function recordTs(data: Buffer, offset: number): number {
  return data.readDoubleLE(offset + 4);
}

export function readRecord(data: Buffer, o: number): ChunkRecord {
  const payloadLen = data.readUInt32LE(o);
  const flags = data[o + 12]!;
  const pub = data.readUInt16LE(o + 13);
  const props = data.readUInt32LE(o + 15);
  let p = o + RECORD_HEADER;
  const publisher = pub ? data.toString('utf8', p, p + pub) : null;
  p += pub;
  const propsText = props ? data.toString('utf8', p, p + props) : null;
  p += props;
  return {
    ts: data.readDoubleLE(o + 4), qos: flags & 3, retain: (flags & 4) !== 0, publisher, props: propsText,
    payload: data.subarray(p, p + payloadLen),
  };
}
