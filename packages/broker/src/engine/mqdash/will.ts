/**
 * Will messages: built from CONNECT, published when the connection ends without DISCONNECT 0x00
 * [MQTT-3.1.2-8], after the Will Delay Interval or when the session ends, whichever is first
 * [MQTT-3.1.2-8]; a new connection to the session before then cancels it [MQTT-3.1.2-26].
 */
import type { IConnectPacket } from 'mqtt-packet';
import { startTimer, type Timer } from './timer.ts';
import type { EngineMessage } from './types.ts';

export interface PendingWill {
  message: EngineMessage;
  delaySeconds: number;
  /** Message Expiry Interval, counted from the will's publication. */
  expirySeconds?: number;
}

/** The will of a CONNECT, with every will property carried over (MQTT 5 §3.1.3.2). */
export function willOf(packet: IConnectPacket, clientId: string): PendingWill | undefined {
  const will = packet.will;
  if (!will) return undefined;
  const { willDelayInterval, messageExpiryInterval, ...properties } = will.properties ?? {};
  const message: EngineMessage = {
    topic: will.topic,
    payload: Buffer.isBuffer(will.payload) ? will.payload : Buffer.from(will.payload),
    qos: will.qos ?? 0,
    retain: will.retain ?? false,
    properties,
    origin: clientId,
  };
  return { message, delaySeconds: willDelayInterval ?? 0, expirySeconds: messageExpiryInterval };
}

export class WillTimers {
  private readonly pending = new Map<string, { timer: Timer; will: PendingWill }>();

  constructor(private readonly publish: (will: PendingWill) => void) {}

  /** Publishes now, or after `delaySeconds` unless cancelled or fired earlier. */
  schedule(clientId: string, will: PendingWill, delaySeconds: number): void {
    this.cancel(clientId);
    if (delaySeconds <= 0) return this.publish(will);
    const timer = startTimer(delaySeconds, () => this.fire(clientId));
    this.pending.set(clientId, { timer, will });
  }

  /** The will waiting for its delay, if any (kept by the persistence). */
  pendingOf(clientId: string): PendingWill | undefined {
    return this.pending.get(clientId)?.will;
  }

  /** [MQTT-3.1.2-26] a new connection to the session before the delay passes: no will. */
  cancel(clientId: string): void {
    const entry = this.pending.get(clientId);
    if (!entry) return;
    entry.timer.cancel();
    this.pending.delete(clientId);
  }

  /** The session ended first: the will goes now. */
  fire(clientId: string): void {
    const entry = this.pending.get(clientId);
    if (!entry) return;
    this.cancel(clientId);
    this.publish(entry.will);
  }

  clear(): void {
    for (const entry of this.pending.values()) entry.timer.cancel();
    this.pending.clear();
  }
}
