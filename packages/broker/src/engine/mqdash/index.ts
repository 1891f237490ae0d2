/** mqdash's own MQTT engine (issue 10): run by createBroker with MQDASH_ENGINE=mqdash (engine/mqdash-broker-engine.ts). */
export { Engine, defaultSettings, type EngineSettings } from './engine.ts';
export { InProcessBus, type Bus, type BusHandler } from './bus.ts';
export { MemoryRetainedStore, type RetainedStore } from './retained.ts';
export { MemorySessionStore } from './memory-store.ts';
export { SqliteSessionStore } from './sqlite-store.ts';
export { type SqliteSessionStoreOptions } from './sqlite-store.ts';
export { importAedesState, type ImportCounts } from './aedes-import.ts';
export type { DurableCallback, InFlightState, MessageLog, SessionMeta, SessionState, SessionStore, StoredMessage } from './persistence.ts';
export type { ClientInfo, ConnectRequest, EngineHooks, EngineMessage, EngineOptions, Subscription } from './types.ts';
