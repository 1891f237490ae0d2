/**
 * Throwaway certificates for the TLS tests, made with the openssl CLI in a temporary folder: a CA,
 * server certificates for 127.0.0.1 / localhost signed by it, client certificates with a CN, and a
 * second CA whose certificates the server must not trust. EC P-256 keys (fast to make).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface CertFiles {
  cert: string;
  key: string;
}

const openssl = (args: string[], cwd: string) => execFileSync('/usr/bin/openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

export class TestPki {
  constructor(readonly dir: string) {}

  /** A self-signed CA named `name`. */
  ca(name: string): CertFiles {
    const files = { cert: path.join(this.dir, `${name}.crt`), key: path.join(this.dir, `${name}.key`) };
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', files.key, '-out', files.cert,
      '-subj', `/CN=${name}`, '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], this.dir);
    return files;
  }

  /** A certificate with CN `cn` signed by `ca`; a server certificate gets 127.0.0.1 and localhost as names. */
  issue(ca: CertFiles, name: string, cn: string, kind: 'server' | 'client'): CertFiles {
    const files = { cert: path.join(this.dir, `${name}.crt`), key: path.join(this.dir, `${name}.key`) };
    const csr = path.join(this.dir, `${name}.csr`);
    const ext = path.join(this.dir, `${name}.ext`);
    fs.writeFileSync(ext, kind === 'server'
      ? 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'
      : 'extendedKeyUsage=clientAuth\n');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', files.key, '-out', csr, '-subj', `/CN=${cn}`], this.dir);
    openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', files.cert, '-days', '2', '-extfile', ext], this.dir);
    return files;
  }
}
