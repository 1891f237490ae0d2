import { createHash } from 'node:crypto';
import type { MqttAuthSettings, MqttUserInfo } from '@mqdash/contracts';
import type { ClientAuthenticator, ConnectOrigin, ConnectVerdict } from '../engine/broker-engine.ts';
import { iso } from '../registry/format.ts';
import type { MqttUserRow, MqttUserStore, StoredSetting } from '../store/mqtt-user-store.ts';
import { hashPassword, randomSecret, verifyPassword } from './password.ts';
import { chain, tooManyAttemptsMessage, type Reservation, type SignInLimiter } from './sign-in-limiter.ts';

/** A verified (username, password) pair is trusted this long without another scrypt, as API keys are (DESIGN §4). */
export const MQTT_VERIFIED_CACHE_MS = 60_000;
const MAX_CACHED = 10_000;
/**
 * scrypt runs in libuv's small thread pool (~16 MiB and tens of ms each): beyond this many
 * verifications waiting, a CONNECT is answered "server unavailable" (3 / 0x88) at once instead of
 * queueing for longer than a client waits for its CONNACK. Identical pairs share one verification.
 */
export const MAX_PENDING_VERIFICATIONS = 64;

const ALLOW_ANONYMOUS = 'allowAnonymous';

interface Verified {
  username: string;
  /** The hash the password was checked against: a changed password misses the cache at once. */
  passwordHash: string;
  until: number;
}

export interface NewMqttUser {
  username: string;
  password: string;
  description: string;
  enabled: boolean;
  createdBy: string | null;
}

export interface MqttUserPatch {
  password?: string;
  enabled?: boolean;
  description?: string;
}

/** A user name as it appears in a refusal reason: quoted, and clipped (an unknown one can be 64 KiB). */
const quoted = (username: string) => JSON.stringify(username.length > 64 ? `${username.slice(0, 64)}…` : username);

const refuse = (returnCode: 3 | 4 | 5, reason: string): ConnectVerdict => ({ ok: false, returnCode, reason });

/** Settles a limiter reservation by the verdict: a wrong password counts, a server-side refusal (3) does not. */
function settle(attempt: Reservation, v: ConnectVerdict): ConnectVerdict | Promise<ConnectVerdict> {
  if (v.ok) {
    attempt.succeed();
    return v;
  }
  if (v.returnCode !== 4) {
    attempt.release();
    return v;
  }
  return chain(attempt.fail(v.reason), () => v);
}

/**
 * MQTT client authentication (issue 6): accounts with scrypt-hashed passwords, and the
 * `allowAnonymous` setting. It is the engine's ClientAuthenticator:
 *
 * - a CONNECT without a user name (or with an empty one) is anonymous: accepted while
 *   allowAnonymous is on, else refused with return code 5 (MQTT 5: 0x87 Not authorized);
 * - a CONNECT with a user name must name an enabled account and give its password, else return
 *   code 4 (0x86 Bad user name or password) — once MQTT authentication is in use, i.e. an account
 *   exists or anonymous access is off. Before that a user name is only recorded, as it always
 *   was, so an upgrade locks no device out.
 *
 * A verified pair is cached for MQTT_VERIFIED_CACHE_MS, keyed by SHA-256(username, password), so a
 * reconnecting fleet does not pay a full scrypt per CONNECT; a hit counts only while the account
 * is still enabled with the same password hash, and a change to an account forgets its entries.
 */
export class MqttUsers implements ClientAuthenticator {
  private readonly verified = new Map<string, Verified>();
  private readonly pending = new Map<string, Promise<ConnectVerdict>>();
  private dummyHash: Promise<string> | null = null;
  private accountCount: number;
  private anonymous: StoredSetting<boolean> | undefined;

  constructor(
    readonly store: MqttUserStore,
    /** MQTT_ALLOW_ANONYMOUS: applies until an administrator changes the setting. */
    readonly allowAnonymousDefault = true,
    /** Failed passwords per address and per address + user name (issue 12); none: unlimited. */
    private readonly limiter: SignInLimiter | null = null,
    private readonly now: () => number = Date.now,
  ) {
    this.accountCount = store.counts().accounts;
    this.anonymous = store.setting<boolean>(ALLOW_ANONYMOUS);
  }

  get(username: string): MqttUserRow | undefined {
    return this.store.get(username);
  }

  list(): MqttUserRow[] {
    return this.store.list();
  }

  get allowAnonymous(): boolean {
    return this.anonymous?.value ?? this.allowAnonymousDefault;
  }

  /** User names are checked once MQTT authentication is in use (see the class comment). */
  get usernamesChecked(): boolean {
    return this.accountCount > 0 || !this.allowAnonymous;
  }

  /** Stored, so it wins over MQTT_ALLOW_ANONYMOUS from now on, across restarts. */
  setAllowAnonymous(value: boolean, by: string | null): void {
    const now = this.now();
    this.store.putSetting(ALLOW_ANONYMOUS, value, now, by);
    this.anonymous = { value, updatedAt: now, updatedBy: by };
  }

  /** Creates an account; undefined when the username is taken. */
  async create(u: NewMqttUser): Promise<MqttUserRow | undefined> {
    const passwordHash = await hashPassword(u.password);
    const now = this.now();
    const row: MqttUserRow = {
      username: u.username, passwordHash, enabled: u.enabled, description: u.description, createdBy: u.createdBy,
      createdAt: now, updatedAt: now, passwordChangedAt: now,
    };
    // Inserted after the (async) hash: the primary key refuses a name taken meanwhile.
    if (!this.store.insert(row)) return undefined;
    this.accountCount++;
    this.forget(u.username);
    return row;
  }

  /** Changes only what is given; undefined for an unknown username. */
  async alter(username: string, patch: MqttUserPatch): Promise<MqttUserRow | undefined> {
    const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
    // Read after the hash, so a change made meanwhile is not overwritten.
    const row = this.store.get(username);
    if (!row) return undefined;
    const now = this.now();
    const next: MqttUserRow = {
      ...row,
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(passwordHash !== undefined ? { passwordHash, passwordChangedAt: now } : {}),
      updatedAt: now,
    };
    this.store.update(next);
    this.forget(username);
    return next;
  }

  delete(username: string): boolean {
    const deleted = this.store.delete(username);
    if (deleted) this.accountCount--;
    this.forget(username);
    return deleted;
  }

  /**
   * The engine's authenticate hook, for every CONNECT but the dashboard feed's. A password check
   * goes through the sign-in limiter (issue 12): reserved before it is verified (a cached pair
   * too), refused with "server unavailable" (3 / 0x88) while this address must wait, counted when
   * wrong. A CONNECT without a password checks no secret and is not counted.
   */
  check(username: string | undefined, password: Buffer | undefined, origin?: ConnectOrigin): ConnectVerdict | Promise<ConnectVerdict> {
    if (origin?.certificateUsername !== undefined) return this.checkCertificate(origin.certificateUsername);
    if (username === undefined || username === '') {
      return this.allowAnonymous ? { ok: true, account: null } : refuse(5, 'not authorized: anonymous MQTT clients are not allowed (no user name given)');
    }
    if (!this.usernamesChecked) return { ok: true, account: null };
    if (!password || password.length === 0) return refuse(4, `bad user name or password: no password given for ${quoted(username)}`);
    if (!this.limiter) return this.checkPassword(username, password);
    return chain(this.limiter.reserve({ realm: 'mqtt', door: 'mqtt', address: origin?.remoteAddress, account: username }), (attempt) => {
      if (!attempt.ok) return refuse(3, `server unavailable: ${tooManyAttemptsMessage(attempt)}`);
      let verdict: ConnectVerdict | Promise<ConnectVerdict>;
      try {
        verdict = this.checkPassword(username, password);
      } catch (err) {
        attempt.release();
        throw err;
      }
      return chain(verdict, (v) => settle(attempt, v));
    });
  }

  /**
   * A client certificate's CN as the user name (TLS_CERT_CN_AS_USERNAME): the TLS handshake proved
   * it, so no password is checked; once MQTT authentication is in use it must name an enabled
   * account (else 5 / 0x87 Not authorized), before that it is only recorded, as a user name is.
   */
  private checkCertificate(cn: string): ConnectVerdict {
    if (!this.usernamesChecked) return { ok: true, account: null };
    const row = this.store.get(cn);
    if (!row) return refuse(5, `not authorized: no MQTT account ${quoted(cn)} for the client certificate's CN`);
    if (!row.enabled) return refuse(5, `not authorized: the MQTT account ${quoted(cn)} of the client certificate's CN is disabled`);
    return { ok: true, account: cn };
  }

  /** The password of an account: the verified cache, else one scrypt shared by identical pairs in flight. */
  private checkPassword(username: string, password: Buffer): ConnectVerdict | Promise<ConnectVerdict> {
    const id = createHash('sha256').update(username).update('\0').update(password).digest('base64url');
    const hit = this.verified.get(id);
    if (hit) {
      const row = this.store.get(username);
      if (hit.until > this.now() && row?.enabled && row.passwordHash === hit.passwordHash) return { ok: true, account: username };
      this.verified.delete(id);
    }
    const running = this.pending.get(id);
    if (running) return running;
    if (this.pending.size >= MAX_PENDING_VERIFICATIONS) return refuse(3, 'server unavailable: too many MQTT password checks at once; try again');
    const verdict = this.verify(id, username, password).finally(() => this.pending.delete(id));
    this.pending.set(id, verdict);
    return verdict;
  }

  /** Whether a client connected with this account (null: none) may stay connected now. */
  admits(account: string | null): boolean {
    // Anonymous, or a user name recorded unchecked (before authentication was in use): either way
    // the client could connect without one, which is what allowAnonymous decides.
    if (account === null) return this.allowAnonymous;
    return this.store.get(account)?.enabled === true;
  }

  info(row: MqttUserRow, connectedClients: number): MqttUserInfo {
    return {
      username: row.username, enabled: row.enabled, description: row.description, createdBy: row.createdBy,
      createdDateTime: iso(row.createdAt)!, updatedDateTime: iso(row.updatedAt)!, passwordChangedDateTime: iso(row.passwordChangedAt)!,
      connectedClients,
    };
  }

  /** The anonymous-access part of MqttAuthSettings (the client-id binding is AccessControl's). */
  settings(connectedAnonymousClients: number): Omit<MqttAuthSettings, 'clientIdBinding'> {
    const counts = this.store.counts();
    return {
      allowAnonymous: this.allowAnonymous,
      allowAnonymousSource: this.anonymous ? 'dashboard' : 'environment',
      allowAnonymousDefault: this.allowAnonymousDefault,
      ...(this.anonymous ? { updatedDateTime: iso(this.anonymous.updatedAt) } : {}),
      ...(this.anonymous?.updatedBy ? { updatedBy: this.anonymous.updatedBy } : {}),
      usernamesChecked: this.usernamesChecked,
      accounts: counts.accounts,
      enabledAccounts: counts.enabled,
      connectedAnonymousClients,
    };
  }

  private async verify(id: string, username: string, password: Buffer): Promise<ConnectVerdict> {
    const row = this.store.get(username);
    // An unknown user name costs a scrypt too, so accounts cannot be probed by timing.
    this.dummyHash ??= hashPassword(randomSecret());
    const ok = await verifyPassword(password, row?.passwordHash ?? (await this.dummyHash));
    if (!row) return refuse(4, `bad user name or password: no MQTT account ${quoted(username)}`);
    if (!ok) return refuse(4, `bad user name or password: wrong password for ${quoted(username)}`);
    // Changed while scrypt ran: judge by the account as it is now.
    const current = this.store.get(username);
    if (!current || current.passwordHash !== row.passwordHash) return refuse(4, `bad user name or password: the password of ${quoted(username)} changed`);
    // Told apart only in the recorded reason: the client learns "bad user name or password" either way.
    if (!current.enabled) return refuse(4, `bad user name or password: MQTT account ${quoted(username)} is disabled`);
    if (this.verified.size >= MAX_CACHED) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(id, { username, passwordHash: current.passwordHash, until: this.now() + MQTT_VERIFIED_CACHE_MS });
    return { ok: true, account: username };
  }

  /** Forgets the verified pairs of one account (it changed). */
  private forget(username: string): void {
    for (const [id, v] of this.verified) if (v.username === username) this.verified.delete(id);
  }
}
