/** A queued or in-flight message as a row of the SQLite store. */
import { fromJson, toJson } from '../../persistence/packet-codec.ts';
import type { OutgoingMessage } from './session.ts';

/** A message's row: the payload as a BLOB, the rest as JSON (Buffers kept by the packet codec). */
export function encodeOutgoing(outgoing: OutgoingMessage): { payload: Buffer; meta: string } {
  const { payload, ...message } = outgoing.message;
  return { payload, meta: toJson({ ...outgoing, message })! };
}

export function decodeOutgoing(payload: Buffer, meta: string): OutgoingMessage {
  const outgoing = fromJson<OutgoingMessage>(meta)!;
  outgoing.message.payload = payload;
  return outgoing;
}

