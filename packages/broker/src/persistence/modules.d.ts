declare module 'qlobber/aedes/qlobber-sub.js' {
  /** What QlobberSub keeps per (topic filter, client) and returns from match(). */
  export interface QlobberSubValue {
    clientId: string;
    topic: string;
    qos: number;
    rh?: number;
    rap?: boolean;
    nl?: boolean;
  }

  /** qlobber's matcher for aedes persistences (the one aedes-persistence's memory persistence uses). */
  export default class QlobberSub {
    constructor(options?: { separator?: string; wildcard_one?: string; wildcard_some?: string });
    /** Distinct (topic filter, client) pairs held. */
    subscriptionsCount: number;
    add(topic: string, val: QlobberSubValue): this;
    remove(topic: string, val: { clientId: string; topic: string }): this;
    match(topic: string): QlobberSubValue[];
    clear(): this;
  }
}

declare module 'aedes-persistence/abstract.js' {
  /** aedes-persistence's test suite for a persistence (node:test style `test`). */
  export default function abstractPersistence(opts: {
    test: unknown;
    persistence: () => unknown;
    testAsync?: boolean;
    waitForReady?: boolean;
    buildEmitter?: () => unknown;
  }): void;
}
