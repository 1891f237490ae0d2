/** UNSUBSCRIBE → UNSUBACK (MQTT 5 §3.10–3.11). */
import type { IUnsubscribePacket } from 'mqtt-packet';
import type { Connection } from '../connection.ts';
import type { Engine } from '../engine.ts';
import { reasonStringOfCodes } from '../reasons.ts';

export function handleUnsubscribe(engine: Engine, connection: Connection, packet: IUnsubscribePacket): void {
  const session = connection.session!;
  const removed: string[] = [];
  const codes = packet.unsubscriptions.map((filter) => {
    const subscription = session.subscriptions.get(filter);
    if (!subscription) return 0x11; // no subscription existed
    // [MQTT-3.10.4-2] deliveries for the filter stop; messages already in flight still complete
    engine.router.remove(subscription);
    session.subscriptions.delete(filter);
    removed.push(filter);
    return 0;
  });
  if (removed.length > 0) engine.hooks.onUnsubscribe?.(connection.info, removed);
  // [MQTT-3.10.4-4, 3.11.3-1] one UNSUBACK, one reason code per filter in MQTT 5
  if (connection.protocolVersion === 5) connection.sendAck({ cmd: 'unsuback', messageId: packet.messageId, granted: codes }, reasonStringOfCodes(codes));
  else connection.send({ cmd: 'unsuback', messageId: packet.messageId, granted: [] });
}
