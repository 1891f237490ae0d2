import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { ClaimPermissions, ConnectVerdict } from '../engine/broker-engine.ts';

/** Device authentication with a JWT as the MQTT password (issue 12, README "Device authentication"). */
export interface JwtAuthOptions {
  /** HS256 shared secret (MQTT_JWT_SECRET, or the first line of MQTT_JWT_SECRET_FILE). */
  secret?: string;
  /** A JWKS document (MQTT_JWT_JWKS_FILE) with the RS256/ES256 public keys tokens are signed with. */
  jwks?: unknown;
  /** The claim that names the user (MQTT_JWT_USERNAME_CLAIM), default `sub`. */
  usernameClaim?: string;
  /** The claim with topic permissions (MQTT_JWT_ACL_CLAIM), default `acl`. */
  aclClaim?: string;
}

/** A password that has a JWT's shape (three base64url parts): only those are checked as tokens. */
export const looksLikeJwt = (password: Buffer): boolean => password.length < 16_384 && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(password.toString('latin1'));

const filters = z.array(z.string().min(1).max(65_535)).max(1000);
/** `{"pub": [...], "sub": [...], "all": [...]}`: topic filters (`%u`, `%c` allowed) the token may publish / subscribe to. */
const aclSchema = z.object({ pub: filters.optional(), sub: filters.optional(), all: filters.optional() }).strict();

const jwksSchema = z.object({ keys: z.array(z.object({ kty: z.string() }).passthrough()).min(1) });

const refuse = (reason: string): ConnectVerdict => ({ ok: false, returnCode: 4, reason: `bad user name or password: ${reason}` });

/** Reads the JWT settings' files; errors name the variable. */
export async function readJwtFiles(o: { secretFile?: string; jwksFile?: string }): Promise<{ secret?: string; jwks?: unknown }> {
  const out: { secret?: string; jwks?: unknown } = {};
  if (o.secretFile !== undefined) {
    const secret = (await readFile(o.secretFile, 'utf8').catch((err: Error) => { throw new Error(`MQTT_JWT_SECRET_FILE: cannot read ${o.secretFile}: ${err.message}`, { cause: err }); })).split(/\r?\n/)[0]!.trim();
    if (secret.length < 32) throw new Error(`MQTT_JWT_SECRET_FILE: the secret in ${o.secretFile} must be at least 32 characters (HS256 needs 256 bits)`);
    out.secret = secret;
  }
  if (o.jwksFile !== undefined) {
    const text = await readFile(o.jwksFile, 'utf8').catch((err: Error) => { throw new Error(`MQTT_JWT_JWKS_FILE: cannot read ${o.jwksFile}: ${err.message}`, { cause: err }); });
    try {
      out.jwks = JSON.parse(text);
    } catch (err) {
      throw new Error(`MQTT_JWT_JWKS_FILE: ${o.jwksFile} is not JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  return out;
}

/**
 * Verifies a JWT given as the MQTT password: HS256 with the secret, RS256/ES256 with the JWKS
 * keys (picked by `kid`, or the only key of the algorithm). `exp` is required and enforced (the
 * engine also disconnects the client when it passes), `nbf` honoured. The user name claim is the
 * account; a CONNECT user name, when given, must equal it. An `acl` claim gives topic permissions
 * that are evaluated before the stored rules (access-control.ts).
 */
export class JwtAuth {
  private readonly secret: Uint8Array | undefined;
  private readonly keySet: JWTVerifyGetKey | undefined;
  readonly usernameClaim: string;
  readonly aclClaim: string;

  constructor(o: JwtAuthOptions, private readonly now: () => number = Date.now) {
    if (o.secret === undefined && o.jwks === undefined) throw new Error('MQTT_JWT_SECRET or MQTT_JWT_JWKS_FILE: one is needed for JWT authentication');
    if (o.secret !== undefined && o.secret.length < 32) throw new Error('MQTT_JWT_SECRET: must be at least 32 characters (HS256 needs 256 bits)');
    this.secret = o.secret === undefined ? undefined : new TextEncoder().encode(o.secret);
    if (o.jwks !== undefined) {
      const parsed = jwksSchema.safeParse(o.jwks);
      if (!parsed.success) throw new Error(`MQTT_JWT_JWKS_FILE: not a JWKS: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'document'}: ${i.message}`).join('; ')}`);
      this.keySet = createLocalJWKSet(parsed.data as Parameters<typeof createLocalJWKSet>[0]);
    }
    this.usernameClaim = o.usernameClaim ?? 'sub';
    this.aclClaim = o.aclClaim ?? 'acl';
  }

  async check(username: string | undefined, password: Buffer): Promise<ConnectVerdict> {
    const token = password.toString('latin1');
    let payload: JWTPayload;
    try {
      payload = await this.verify(token);
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) return refuse('the token has expired');
      if (err instanceof joseErrors.JOSEError) return refuse(`the token is not valid (${err.code}: ${err.message})`);
      throw err;
    }
    if (typeof payload.exp !== 'number') return refuse('the token has no exp claim');
    const name = payload[this.usernameClaim];
    if (typeof name !== 'string' || name === '') return refuse(`the token's ${this.usernameClaim} claim is not a non-empty string`);
    if (username !== undefined && username !== '' && username !== name) return refuse(`the user name does not match the token's ${this.usernameClaim} claim`);
    let permissions: ClaimPermissions | undefined;
    const acl = payload[this.aclClaim];
    if (acl !== undefined) {
      const parsed = aclSchema.safeParse(acl);
      if (!parsed.success) return refuse(`the token's ${this.aclClaim} claim: ${parsed.error.issues.map((i) => `${[this.aclClaim, ...i.path].join('.')}: ${i.message}`).join('; ')}`);
      const { pub, sub, all } = parsed.data;
      permissions = {
        ...((pub || all) && { publish: [...(pub ?? []), ...(all ?? [])] }),
        ...((sub || all) && { subscribe: [...(sub ?? []), ...(all ?? [])] }),
      };
    }
    return { ok: true, account: name, username: name, external: true, expiresAt: payload.exp * 1000, ...(permissions && { permissions }) };
  }

  private async verify(token: string): Promise<JWTPayload> {
    const currentDate = new Date(this.now());
    const alg = decodeAlg(token);
    if (alg === 'HS256') {
      if (!this.secret) throw new joseErrors.JOSEAlgNotAllowed('HS256 tokens are not accepted: no MQTT_JWT_SECRET is set');
      return (await jwtVerify(token, this.secret, { algorithms: ['HS256'], currentDate, requiredClaims: ['exp'] })).payload;
    }
    if (!this.keySet) throw new joseErrors.JOSEAlgNotAllowed(`${alg} tokens are not accepted: no MQTT_JWT_JWKS_FILE is set`);
    return (await jwtVerify(token, this.keySet, { algorithms: ['RS256', 'ES256'], currentDate, requiredClaims: ['exp'] })).payload;
  }
}

/** The `alg` of a token's header, without trusting it beyond choosing the key kind. */
function decodeAlg(token: string): string {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { alg?: unknown };
    return typeof header.alg === 'string' ? header.alg : 'none';
  } catch {
    throw new joseErrors.JWSInvalid('the token header is not base64url JSON');
  }
}
