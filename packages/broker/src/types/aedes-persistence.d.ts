declare module 'aedes-persistence/asyncPersistence.js' {
  /** aedes-persistence's in-memory implementation with the async interface aedes 2 calls. */
  export default class MemoryPersistence {
    constructor(opts?: Record<string, unknown>);
    setup(broker: unknown): Promise<void>;
  }
}
