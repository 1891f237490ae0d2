import type { Logger } from 'pino';
import type { ClientAuthenticator, ConnectOrigin, ConnectVerdict } from '../engine/broker-engine.ts';
import { HttpAuthHook, type HttpAuthHookOptions } from './http-auth-hook.ts';
import { JwtAuth, looksLikeJwt, readJwtFiles, type JwtAuthOptions } from './jwt-auth.ts';

/** Device authentication beyond stored passwords (issue 12); createBroker's `mqtt.deviceAuth`. */
export interface DeviceAuthOptions {
  jwt?: JwtAuthOptions & { secretFile?: string; jwksFile?: string };
  http?: HttpAuthHookOptions;
}

/**
 * The engine's ClientAuthenticator with JWT and the HTTP hook in front of the MQTT accounts:
 * - a password shaped like a JWT, with JWT configured, is checked as a token and nothing else;
 * - else, with MQTT_AUTH_HTTP_URL set, the HTTP hook decides;
 * - else the stored MQTT accounts do (MqttUsers), as do TLS client certificates (CN as user name).
 * A client let in by a token or the hook is `external`: it has no stored account, so the engines
 * do not ask `admits` about it after the CONNECT.
 */
export class DeviceAuthenticator implements ClientAuthenticator {
  constructor(private readonly accounts: ClientAuthenticator, readonly jwt: JwtAuth | null, readonly http: HttpAuthHook | null) {}

  static async create(accounts: ClientAuthenticator, o: DeviceAuthOptions, log: Logger): Promise<ClientAuthenticator> {
    if (!o.jwt && !o.http) return accounts;
    let jwt: JwtAuth | null = null;
    if (o.jwt) {
      const { secretFile, jwksFile, ...rest } = o.jwt;
      jwt = new JwtAuth({ ...rest, ...(await readJwtFiles({ secretFile, jwksFile })) });
    }
    return new DeviceAuthenticator(accounts, jwt, o.http ? new HttpAuthHook(o.http, log) : null);
  }

  check(username: string | undefined, password: Buffer | undefined, origin?: ConnectOrigin): ConnectVerdict | Promise<ConnectVerdict> {
    if (origin?.certificateUsername !== undefined) return this.accounts.check(username, password, origin);
    if (this.jwt && password && looksLikeJwt(password)) return this.jwt.check(username, password);
    if (this.http) return this.http.check(username, password, origin);
    return this.accounts.check(username, password, origin);
  }

  admits(account: string | null): boolean {
    return this.accounts.admits(account);
  }
}
