/** mqdash's own MQTT engine (issue 10): built beside aedes, not yet used by createBroker. */
export { Engine, defaultSettings, type EngineSettings } from './engine.ts';
export { InProcessBus, type Bus, type BusHandler } from './bus.ts';
export { MemoryRetainedStore, type RetainedStore } from './retained.ts';
export type { ClientInfo, ConnectRequest, EngineHooks, EngineMessage, EngineOptions, Subscription } from './types.ts';
