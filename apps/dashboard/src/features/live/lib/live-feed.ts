import {
  feedTopics, type EventsMessage, type FeedTokenResponse, type OverviewMessage, type SessionChangesMessage,
} from '@mqdash/contracts';
import type { MqttClient } from 'mqtt';
import { isApiError } from '../../../lib/api-client';
import { setLiveStatus, type LiveStatus } from './live-status';

/**
 * The dashboard's connection to the admin feed (DESIGN §5): MQTT 5 over WebSocket on this origin,
 * a short-lived feed token as the password, subscribed to `$SYS/mqdash/#`. mqtt.js's own
 * reconnect is off: each attempt here takes a token that is still valid and waits longer after
 * each failure. The token is renewed before it expires, so a reconnect rarely waits for one.
 */

export interface LiveFeedHandlers {
  getToken: () => Promise<FeedTokenResponse>;
  onSessionChanges: (message: SessionChangesMessage) => void;
  onEvents: (message: EventsMessage) => void;
  onOverview: (message: OverviewMessage) => void;
  /** After each (re)connect: refetch the snapshots, so changes made while away are not missed. */
  onResync: () => void;
}

export interface LiveFeed {
  stop(): void;
  /** Skip the wait before the next attempt (the indicator's Reconnect button). */
  reconnectNow(): void;
}

const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
/** Failed attempts in a row after which the indicator says offline rather than reconnecting. */
const OFFLINE_AFTER_FAILURES = 3;
/** A token closer than this to its expiry is not used for a new connection. */
const TOKEN_MIN_LEFT_MS = 15_000;
/**
 * The overview arrives every 5 s: this long without any message means the connection is dead
 * even if the socket has not noticed (a half-open connection behind a proxy).
 */
const SILENCE_LIMIT_MS = 20_000;

/** The wait before attempt n+1 after n failures in a row: doubling, capped, ±20 % jitter. */
export function backoffDelay(failures: number, random: number = Math.random()): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + 0.4 * random));
}

/** When to renew a token: 20 % of its life (at most a minute) before it expires, never sooner than 5 s. */
export function renewDelay(expiresInSeconds: number): number {
  const ttl = expiresInSeconds * 1000;
  return Math.max(5_000, ttl - Math.min(60_000, ttl * 0.2));
}

/** Client ids of dashboards' feed connections (their sessions are hidden and temporary, DESIGN §5). */
export const FEED_CLIENT_PREFIX = 'mqdash-dashboard-';

const randomId = (): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
};

let mqttModule: Promise<typeof import('mqtt').default> | undefined;
// mqtt.js is loaded on sign-in, in its own chunk: the login page does not carry it.
const loadMqtt = () => (mqttModule ??= import('mqtt').then((m) => m.default));

/** mqtt.js errors in words; CONNACK codes 0x86/0x87 (and 3.1.1's 4/5) mean the token was refused. */
function describe(error: unknown): { message: string; badToken: boolean } {
  const code = (error as { code?: unknown } | null)?.code;
  const badToken = code === 134 || code === 135 || code === 4 || code === 5;
  if (badToken) return { message: 'The feed token was refused', badToken };
  if (isApiError(error)) return { message: error.message, badToken: false };
  return { message: error instanceof Error && error.message ? error.message : 'The connection failed', badToken: false };
}

export function startLiveFeed(handlers: LiveFeedHandlers): LiveFeed {
  let stopped = false;
  let client: MqttClient | null = null;
  /** Each attempt has its own number; events of an older attempt's client are ignored. */
  let attempt = 0;
  let failures = 0;
  let token: { value: FeedTokenResponse; expiresAt: number } | null = null;
  let tokenRequest: Promise<FeedTokenResponse> | null = null;
  let renewTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let lastMessageAt = 0;
  const watchdog = setInterval(() => {
    if (status.state === 'live' && client && Date.now() - lastMessageAt > SILENCE_LIMIT_MS) failed(attempt, new Error('No updates from the server for 20 seconds'));
  }, 5_000);
  let status: LiveStatus = { state: 'connecting' };
  const decoder = new TextDecoder();

  const setStatus = (next: LiveStatus) => {
    status = next;
    if (!stopped) setLiveStatus(next);
  };

  const requestToken = (): Promise<FeedTokenResponse> => {
    tokenRequest ??= handlers
      .getToken()
      .then((value) => {
        token = { value, expiresAt: Date.now() + value.expiresInSeconds * 1000 };
        scheduleRenewal();
        return value;
      })
      .finally(() => {
        tokenRequest = null;
      });
    return tokenRequest;
  };

  const validToken = (): Promise<FeedTokenResponse> =>
    token && token.expiresAt - Date.now() > TOKEN_MIN_LEFT_MS ? Promise.resolve(token.value) : requestToken();

  function scheduleRenewal(): void {
    clearTimeout(renewTimer);
    if (!token || stopped) return;
    renewTimer = setTimeout(() => {
      // A hidden tab lets its token lapse (as TanStack Query stops polling there), so an idle
      // dashboard does not keep the sign-in alive; a reconnect then asks for a new one.
      if (stopped || document.visibilityState !== 'visible') return;
      requestToken().catch((error: unknown) => {
        if (isApiError(error) && error.status === 401) return stop();
        renewTimer = setTimeout(scheduleRenewal, 15_000);
      });
    }, renewDelay(token.value.expiresInSeconds));
  }

  function dispatch(topic: string, payload: Uint8Array): void {
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(payload));
    } catch {
      return; // Not JSON: not a feed message.
    }
    if (!body || typeof body !== 'object') return;
    try {
      route(topic, body);
    } catch (error) {
      // A bug in a handler must not end the connection; it still surfaces as an uncaught error.
      reportError(error);
    }
  }

  function route(topic: string, body: object): void {
    if (topic === feedTopics.sessionChanges && Array.isArray((body as SessionChangesMessage).changes)) handlers.onSessionChanges(body as SessionChangesMessage);
    else if (topic === feedTopics.events && Array.isArray((body as EventsMessage).events)) handlers.onEvents(body as EventsMessage);
    else if (topic === feedTopics.overview && (body as OverviewMessage).counts) handlers.onOverview(body as OverviewMessage);
  }

  function failed(mine: number, error?: unknown): void {
    if (stopped || mine !== attempt) return;
    attempt++; // Later events of this client are stale.
    const old = client;
    client = null;
    old?.end(true);
    const { message, badToken } = error === undefined ? { message: status.lastError ?? 'The connection closed', badToken: false } : describe(error);
    if (badToken) token = null;
    failures++;
    const delay = backoffDelay(failures);
    const offline = !navigator.onLine || failures > OFFLINE_AFTER_FAILURES;
    setStatus({ state: offline ? 'offline' : 'reconnecting', retryAt: Date.now() + delay, lastError: message });
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void connect(), delay);
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    clearTimeout(retryTimer);
    const mine = ++attempt;
    let feedToken: FeedTokenResponse;
    let mqtt: Awaited<ReturnType<typeof loadMqtt>>;
    try {
      [feedToken, mqtt] = await Promise.all([validToken(), loadMqtt()]);
    } catch (error) {
      // 401: the sign-in ended; the API client is already on its way to the login page.
      if (isApiError(error) && error.status === 401) return stop();
      return failed(mine, error);
    }
    if (stopped || mine !== attempt) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${feedToken.path}`;
    const c = mqtt.connect(url, {
      username: feedToken.username,
      password: feedToken.token,
      protocolVersion: 5,
      clean: true,
      clientId: `${FEED_CLIENT_PREFIX}${randomId()}`,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      // Hidden tabs run timers about once a minute; pings every 120 s stay within the broker's
      // 1.5 × keep-alive. A dead connection is noticed sooner by the silence watchdog.
      keepalive: 120,
      resubscribe: false,
      // The default keep-alive timer runs in a Worker from a blob: URL, which the CSP refuses.
      timerVariant: 'native',
    });
    client = c;
    c.on('connect', () => {
      if (mine !== attempt) return;
      c.subscribe('$SYS/mqdash/#', { qos: 0 }, (error, granted) => {
        if (mine !== attempt) return;
        if (error || !granted || granted.some((g) => g.qos >= 0x80)) return failed(mine, error ?? new Error('The feed subscription was refused'));
        failures = 0;
        lastMessageAt = Date.now();
        setStatus({ state: 'live', since: Date.now() });
        handlers.onResync();
      });
    });
    c.on('message', (topic, payload) => {
      if (mine !== attempt) return;
      lastMessageAt = Date.now();
      dispatch(topic, payload);
    });
    c.on('error', (error) => {
      if (mine !== attempt) return;
      const { message, badToken } = describe(error);
      status = { ...status, lastError: message };
      if (badToken) token = null;
    });
    c.on('close', () => failed(mine));
  }

  const reconnectNow = () => {
    if (stopped || status.state === 'live' || status.state === 'connecting') return;
    setStatus({ state: 'connecting' });
    void connect();
  };
  const onOnline = () => reconnectNow();
  const onOffline = () => {
    if (client) failed(attempt, new Error('The browser is offline'));
  };
  const onVisible = () => {
    if (document.visibilityState !== 'visible') return;
    if (token && token.expiresAt - Date.now() < 60_000) void requestToken().catch(() => {});
    reconnectNow();
  };

  function stop(): void {
    if (stopped) return;
    stopped = true;
    attempt++;
    clearInterval(watchdog);
    clearTimeout(renewTimer);
    clearTimeout(retryTimer);
    client?.end(true);
    client = null;
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    document.removeEventListener('visibilitychange', onVisible);
    setLiveStatus({ state: 'connecting' });
  }

  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  document.addEventListener('visibilitychange', onVisible);
  setStatus({ state: 'connecting' });
  void connect();
  return { stop, reconnectNow };
}
