import type { Role, SortKey } from '@mqdash/contracts';

/** A session as stored: one row of `sessions` (DESIGN §3 "Session registry"). Times are epoch ms. */
export interface SessionRow {
  id: number;
  clientName: string;
  sessionType: 'mqtt' | 'mqApi';
  sessionStatus: 'normal' | 'hidden' | 'banned' | 'inactive';
  connectionStatus: 'connected' | 'disconnected' | 'connectedTemporarily' | 'unknown';
  sessionHealth: 'healthy' | 'unhealthy' | 'offline';
  unhealthyReason: string | null;
  /** Epoch ms the session turned unhealthy; null when it is not (migration 2026-12-03-unhealthy-since). */
  unhealthySince: number | null;
  temporary: boolean;
  username: string | null;
  ipAddress: string | null;
  port: number | null;
  mqttProtocol: string | null;
  keepAlive: number;
  sessionExpiry: number;
  createdAt: number;
  connectedAt: number | null;
  disconnectedAt: number | null;
  lastActivityAt: number | null;
  failedAt: number | null;
  failedReason: string | null;
  minSend: number;
  maxSend: number;
  maxBacklog: number;
  minSubs: number;
  maxSubs: number;
  labelId: number | null;
  totalPublished: number;
  totalReceived: number;
  subCount: number;
  creatorToken: string | null;
  /** JSON: the remaining settable properties (will, MQTT 5 limits, user properties, metadata, …). */
  settings: Record<string, unknown>;
  /** JSON: properties an administrator set that replace the client's own at its next CONNECT. */
  overrides: Record<string, unknown>;
}

/** What a ban is matched against in a stored session. */
export interface BanSubject { clientName: string; username: string | null; ipAddress: string | null }

export type NewSession = Omit<SessionRow, 'id'>;
export type SessionPatch = Partial<Omit<SessionRow, 'id' | 'clientName' | 'sessionType' | 'createdAt'>>;

export interface SessionQuery {
  prefix: string;
  connectionStatuses: string[];
  sessionStatuses: string[];
  sessionTypes: string[];
  healths: string[];
  /** false: leave out sessions with no health threshold set. */
  includeUnsetHealthMeasures: boolean;
  labelId?: number;
  /** Issue 13: a substring of client name, user name, IP address or label name (1–2 characters: a client-name prefix). */
  searchText?: string;
  /** Exact user names (any of them). */
  usernames?: string[];
  /** IP addresses or CIDR ranges, IPv4 or IPv6 (any of them); validated by the caller. */
  ipFilters?: string[];
  /** `mqttProtocol` values (any of them). */
  protocols?: string[];
  /** Sessions carrying any of these labels, or any label of these groups; empty lists match nothing. */
  labelSet?: { ids: number[]; groups: string[] };
  sort: { key: SortKey; descending: boolean };
  skip: number;
  /** -1: no limit. */
  limit: number;
}

export interface LabelRow {
  id: number;
  group: string;
  name: string;
  description: string;
  metadata: unknown;
  createdAt: number;
}

export interface SubscriptionRow {
  topicFilter: string;
  qos: number;
  options: Record<string, unknown>;
}

export interface AuditEntry {
  id?: number;
  ts: number;
  actor: string;
  action: string;
  target: string | null;
  errorCode: number;
  details: Record<string, unknown>;
}

export interface SessionEventRow {
  id?: number;
  clientName: string;
  ts: number;
  type: 'connect' | 'disconnect' | 'refused' | 'health';
  details: Record<string, unknown>;
}

export interface AccountRow {
  username: string;
  passwordHash: string;
  /** Issue 12; accounts from before roles are administrators. */
  role: Role;
  description: string;
  /** Who created it; null for the first account and accounts from before roles. */
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * What the broker needs from its store. SQLite implements it for the embedded default; a server
 * database can implement it for a cluster (DESIGN §7).
 */
export interface Store {
  transaction<T>(fn: () => T): T;
  getSession(clientName: string): SessionRow | undefined;
  getSessions(clientNames: readonly string[]): SessionRow[];
  insertSession(session: NewSession): SessionRow;
  updateSession(id: number, patch: SessionPatch): void;
  deleteSession(id: number): void;
  listSessions(query: SessionQuery): { rows: SessionRow[]; total: number };
  countSessions(): number;
  /** Issue 12 (previewBan): each stored MQTT session's client name, last user name and last address. */
  banSubjects(): IterableIterator<BanSubject>;
  /** Every stored client name (start-up: which stored MQTT state still has a session). */
  clientNames(): Set<string>;
  /** Totals by connection status, health and type (hidden sessions left out) and by session status. */
  overviewCounts(): import('@mqdash/contracts').OverviewCounts;
  /** Sessions left `connected` by a previous process are disconnected at start. */
  markAllDisconnected(now: number): number;
  temporarySessions(): SessionRow[];
  sessionsCreatedBy(tokenHash: string): SessionRow[];
  putSubscription(sessionId: number, sub: SubscriptionRow): void;
  removeSubscription(sessionId: number, topicFilter: string): boolean;
  clearSubscriptions(sessionId: number): void;
  subscriptions(sessionId: number): SubscriptionRow[];
  addPublishedTopic(sessionId: number, topic: string): void;
  publishedTopics(sessionId: number): string[];
  findOrCreateLabel(group: string, name: string, now: number): LabelRow;
  getLabel(id: number): LabelRow | undefined;
  findLabel(group: string, name: string): LabelRow | undefined;
  /** The label actions (create, list, alter, delete) use store/label-store.ts. */
  getAccount(username: string): AccountRow | undefined;
  /** Inserts the account or replaces every column but createdAt and createdBy. */
  putAccount(account: AccountRow): void;
  listAccounts(): AccountRow[];
  deleteAccount(username: string): boolean;
  /** Appends an entry; answers its id. */
  appendAudit(entry: AuditEntry): number;
  recentAudit(limit: number, target?: string): AuditEntry[];
  getAudit(id: number): AuditEntry | undefined;
  /** Issue 13: a session's connection history, at most SESSION_EVENTS_KEPT per client name (migration 2026-12-03-session-events). */
  appendSessionEvent(event: SessionEventRow): void;
  sessionEvents(clientName: string, limit: number): SessionEventRow[];
  deleteSessionEvents(clientName: string): void;
  close(): void;
}
