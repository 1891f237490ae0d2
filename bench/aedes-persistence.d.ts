// The same declaration as packages/broker/src/types: the bench builds bare aedes with this class too.
declare module 'aedes-persistence/asyncPersistence.js' {
  export default class MemoryPersistence {
    constructor(opts?: Record<string, unknown>);
  }
}
