import type { AccessDenials, BanType, ClientIdBinding, PermissionDecision } from '@mqdash/contracts';
import type { BanRow, BanStore, TopicPermissionRow, TopicPermissionStore } from '../store/access-store.ts';
import type { MqttUserStore } from '../store/mqtt-user-store.ts';
import { BanMatcher, banReason } from './ban-list.ts';
import { claimDecision, decide, type Operation } from './topic-rules.ts';
import { bindingRefusal } from './client-id-binding.ts';
import type { AccessConnection, AccessHooks, ConnectFacts, ConnectionIdentity, IdentityRefusal } from './types.ts';

/** The `broker_settings` row of the default topic permission. */
export const DEFAULT_PERMISSION_SETTING = 'defaultTopicPermission';
/** The `broker_settings` row of the client-id binding. */
export const CLIENT_ID_BINDING_SETTING = 'clientIdBinding';
/** Decisions a connection keeps; beyond, its cache starts again (a client publishing to ever new topics). */
const CACHE_LIMIT = 1024;
/** Sessions whose denials are kept; the oldest go first (refused strangers must not grow it without end). */
const DENIALS_LIMIT = 10_000;

interface DenialCount { publish: number; subscribe: number; connect: number; lastAt: number; last: string }

export interface AccessControlOptions {
  now?: () => number;
  /**
   * The user name a client id's stored session was last connected with: null when none (an
   * anonymous client's), undefined when there is no session (the client-id binding).
   */
  sessionOwner?: (clientId: string) => string | null | undefined;
}

/**
 * The ban list and the topic permissions (issue 12): stored in SQLite, held in memory for the
 * checks, and the AccessHooks every engine calls. A change of the rules bumps a generation, which
 * empties each connection's cache at its next check.
 */
export class AccessControl implements AccessHooks {
  private banMatcher: BanMatcher;
  private rules: TopicPermissionRow[];
  private fallback: PermissionDecision;
  private binding: ClientIdBinding;
  private readonly sessionOwner: (clientId: string) => string | null | undefined;
  private generation = 1;
  private readonly denials = new Map<string, DenialCount>();
  private readonly now: () => number;

  constructor(private readonly bans: BanStore, private readonly permissions: TopicPermissionStore, private readonly settings: MqttUserStore, o: AccessControlOptions = {}) {
    this.now = o.now ?? Date.now;
    this.banMatcher = new BanMatcher(bans.all());
    this.rules = permissions.all();
    this.fallback = settings.setting<PermissionDecision>(DEFAULT_PERMISSION_SETTING)?.value ?? 'allow';
    this.binding = settings.setting<ClientIdBinding>(CLIENT_ID_BINDING_SETTING)?.value ?? 'none';
    this.sessionOwner = o.sessionOwner ?? (() => undefined);
  }

  // ---- AccessHooks -------------------------------------------------------------------------

  checkConnect(facts: ConnectFacts): string | null {
    const ban = this.banMatcher.match(facts, this.now());
    if (!ban) return null;
    const reason = banReason(ban);
    this.count(facts.clientId, 'connect', reason);
    return reason;
  }

  checkIdentity(identity: ConnectionIdentity): IdentityRefusal | null {
    if (this.binding === 'none') return null;
    const refusal = bindingRefusal(this.binding, identity, this.sessionOwner(identity.clientId));
    if (refusal) this.count(identity.clientId, 'connect', refusal.reason);
    return refusal;
  }

  openConnection(identity: ConnectionIdentity): AccessConnection {
    return { identity, cache: new Map(), generation: this.generation };
  }

  checkPublish(conn: AccessConnection, topic: string): string | null {
    return this.check(conn, 'publish', topic);
  }

  checkSubscribe(conn: AccessConnection, topicFilter: string): string | null {
    return this.check(conn, 'subscribe', topicFilter);
  }

  private check(conn: AccessConnection, op: Operation, topic: string): string | null {
    // Issue 12: a token's acl claim comes first; when it lists this operation it alone decides.
    const claimed = claimDecision(conn.identity, op, topic);
    if (claimed !== null) {
      if (claimed) return null;
      const reason = `${op} to ${JSON.stringify(topic)} denied: not in the token's acl claim`;
      this.count(conn.identity.clientId, op, reason);
      return reason;
    }
    // No rules and allow by default (an upgrade, until rules are added): nothing to look up.
    if (this.rules.length === 0 && this.fallback === 'allow') return null;
    if (conn.generation !== this.generation) {
      conn.cache.clear();
      conn.generation = this.generation;
    }
    const key = op === 'publish' ? `p${topic}` : `s${topic}`;
    let verdict = conn.cache.get(key);
    if (verdict === undefined) {
      const d = decide(this.rules, conn.identity, op, topic, this.fallback);
      verdict = d.permission === 'allow' ? null
        : d.rule ? `${op} to ${JSON.stringify(topic)} denied by topic permission #${d.rule.position}` : `${op} to ${JSON.stringify(topic)} denied by the default topic permission`;
      if (conn.cache.size >= CACHE_LIMIT) conn.cache.clear();
      conn.cache.set(key, verdict);
    }
    if (verdict !== null) this.count(conn.identity.clientId, op, verdict);
    return verdict;
  }

  private count(clientId: string, what: 'publish' | 'subscribe' | 'connect', reason: string): void {
    let c = this.denials.get(clientId);
    if (!c) {
      if (this.denials.size >= DENIALS_LIMIT) this.denials.delete(this.denials.keys().next().value!);
      c = { publish: 0, subscribe: 0, connect: 0, lastAt: 0, last: '' };
      this.denials.set(clientId, c);
    }
    c[what]++;
    c.lastAt = this.now();
    c.last = reason;
  }

  /** What a session was refused since the broker started; undefined when nothing. */
  denialsFor(clientId: string): AccessDenials | undefined {
    const c = this.denials.get(clientId);
    return c && { publish: c.publish, subscribe: c.subscribe, connect: c.connect, lastDeniedDateTime: new Date(c.lastAt).toISOString(), lastDenial: c.last };
  }

  // ---- the ban list --------------------------------------------------------------------------

  listBans(): BanRow[] {
    return this.bans.all();
  }

  getBan(banType: BanType, value: string): BanRow | undefined {
    return this.bans.get(banType, value);
  }

  /** false when the same ban exists. */
  addBan(row: BanRow): boolean {
    if (!this.bans.insert(row)) return false;
    this.banMatcher = new BanMatcher(this.bans.all());
    return true;
  }

  removeBan(banType: BanType, value: string): boolean {
    if (!this.bans.delete(banType, value)) return false;
    this.banMatcher = new BanMatcher(this.bans.all());
    return true;
  }

  /** Whether a client (connected now, say) falls under one ban. */
  banMatches(ban: BanRow, facts: ConnectFacts): boolean {
    return this.banMatcher1(ban)(facts);
  }

  /** One ban's test, built once for many clients (previewBan over every stored session). */
  banMatcher1(ban: BanRow): (facts: ConnectFacts) => boolean {
    const m = new BanMatcher([ban]);
    const now = this.now();
    return (facts) => m.match(facts, now) !== null;
  }

  // ---- topic permissions ----------------------------------------------------------------------

  listRules(): readonly TopicPermissionRow[] {
    return this.rules;
  }

  get defaultPermission(): PermissionDecision {
    return this.fallback;
  }

  addRule(row: Omit<TopicPermissionRow, 'id' | 'position'>, position?: number): TopicPermissionRow {
    const created = this.permissions.insert(row, position);
    this.reloadRules();
    return created;
  }

  removeRule(id: number): boolean {
    const removed = this.permissions.delete(id);
    if (removed) this.reloadRules();
    return removed;
  }

  /** An MQTT account deleted takes its rules with it. */
  removeAccountRules(username: string): number {
    const n = this.permissions.deleteAccountRules(username);
    if (n) this.reloadRules();
    return n;
  }

  /** How client ids are tied to user names (clientIdBindings in contracts); `none` by default. */
  get clientIdBinding(): ClientIdBinding {
    return this.binding;
  }

  /** Stored; applies to CONNECTs from now on. */
  setClientIdBinding(value: ClientIdBinding, by: string | null): void {
    this.settings.putSetting(CLIENT_ID_BINDING_SETTING, value, this.now(), by);
    this.binding = value;
  }

  setDefaultPermission(value: PermissionDecision, by: string | null): void {
    this.settings.putSetting(DEFAULT_PERMISSION_SETTING, value, this.now(), by);
    this.fallback = value;
    this.generation++;
  }

  private reloadRules(): void {
    this.rules = this.permissions.all();
    this.generation++;
  }
}
