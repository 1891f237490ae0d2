import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';

/** Whether the MQTTS listener asks clients for a certificate (TLS_CLIENT_CERT). */
export type ClientCertPolicy = 'none' | 'requested' | 'required';

/** The TLS settings of the configuration (README, TLS). */
export interface TlsSettings {
  certFile: string;
  keyFile: string;
  caFile?: string;
  clientCert: ClientCertPolicy;
}

/** What a listener is given: the files' contents, read and checked. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

/** A problem with one of the TLS files, naming its variable. */
export class TlsFileError extends Error {}

function read(variable: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new TlsFileError(`${variable} (${file}) cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function certificates(variable: string, file: string, pem: Buffer): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new TlsFileError(`${variable} (${file}) is not a PEM certificate: ${(err as Error).message}`);
  }
}

/**
 * Reads TLS_CERT_FILE, TLS_KEY_FILE and TLS_CA_FILE and checks them: each a PEM certificate or key,
 * the key the certificate's. Throws a TlsFileError naming the variable at the first problem (at
 * start, and on a SIGHUP reload, which then keeps the certificate in use).
 */
export function readTlsMaterial(s: Pick<TlsSettings, 'certFile' | 'keyFile' | 'caFile'>): TlsMaterial {
  const cert = read('TLS_CERT_FILE', s.certFile);
  const x509 = certificates('TLS_CERT_FILE', s.certFile, cert);
  const key = read('TLS_KEY_FILE', s.keyFile);
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new TlsFileError(`TLS_KEY_FILE (${s.keyFile}) is not an unencrypted PEM private key: ${(err as Error).message}`);
  }
  if (!x509.checkPrivateKey(privateKey)) throw new TlsFileError(`TLS_KEY_FILE (${s.keyFile}) is not the key of the certificate in TLS_CERT_FILE (${s.certFile})`);
  const ca = s.caFile === undefined ? undefined : read('TLS_CA_FILE', s.caFile);
  if (ca !== undefined) certificates('TLS_CA_FILE', s.caFile!, ca);
  const material = { cert, key, ...(ca ? { ca } : {}) };
  try {
    tls.createSecureContext(material);
  } catch (err) {
    throw new TlsFileError(`TLS_CERT_FILE, TLS_KEY_FILE or TLS_CA_FILE cannot be used: ${(err as Error).message}`);
  }
  return material;
}

/** The HTTPS listener's options: the certificate only; browsers are never asked for one of theirs. */
export const httpsOptions = (m: TlsMaterial): tls.SecureContextOptions => ({ cert: m.cert, key: m.key });

/** The MQTTS listener's options: the certificate, and the client certificate policy with its CA. */
export function mqttsOptions(m: TlsMaterial, clientCert: ClientCertPolicy): tls.TlsOptions {
  return {
    cert: m.cert, key: m.key,
    ...(m.ca ? { ca: m.ca } : {}),
    requestCert: clientCert !== 'none',
    // requested: a client without a certificate (or with one the CA did not sign) is let in, unverified.
    rejectUnauthorized: clientCert === 'required',
  };
}
