export { Broker, createBroker, defaultMqttOptions, type BrokerOptions } from './broker.ts';
export { ActionError, type ActionContext, type BrokerCore, type CallerContext } from './actions/index.ts';
export { Reason } from './engine/engine.ts';
export { StoreError } from './store/sqlite-store.ts';
export { storageProblem } from './store/storage-errors.ts';
export type { SessionRow, Store } from './store/types.ts';
export { ApiKeys, VERIFIED_CACHE_MS } from './auth/api-keys.ts';
export { parseApiKeyBootstrap } from './auth/api-key-bootstrap.ts';
export type { EmqxClientFilter, EmqxClientRow } from './store/emqx-query.ts';
