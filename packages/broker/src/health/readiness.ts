/**
 * Readiness (`GET /readyz`, issue 14): may a load balancer or orchestrator send work here? Every
 * registered check must pass. The checks are pluggable: the store registers its write probe, the
 * server its listeners, and a clustered node will add PostgreSQL and Redis (DESIGN §7).
 *
 * A check is answered at most once per `cacheMs` (1 s), however many probes arrive together: the
 * endpoint is unauthenticated, and the database check writes.
 */
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';

/** Resolves when ready; throws (or rejects) with the reason, in words, when not. */
export type ReadinessCheck = () => void | Promise<void>;

export interface ReadinessReport {
  ready: boolean;
  /** The checks that failed and why (for the log; /readyz reveals none of it). */
  failed: Array<{ check: string; reason: string }>;
}

export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private cached: { at: number; report: Promise<ReadinessReport> } | null = null;
  private lastReady: boolean | null = null;

  constructor(private readonly log: Logger, private readonly cacheMs = 1000, private readonly now: () => number = Date.now) {}

  /** Adds (or replaces) the check of that name. */
  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
    this.cached = null;
  }

  remove(name: string): void {
    this.checks.delete(name);
    this.cached = null;
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  check(): Promise<ReadinessReport> {
    const now = this.now();
    if (this.cached && now - this.cached.at < this.cacheMs) return this.cached.report;
    const report = this.run();
    this.cached = { at: now, report };
    return report;
  }

  private async run(): Promise<ReadinessReport> {
    const failed: ReadinessReport['failed'] = [];
    await Promise.all([...this.checks].map(async ([name, check]) => {
      try {
        await check();
      } catch (err) {
        failed.push({ check: name, reason: (err as Error)?.message ?? String(err) });
      }
    }));
    const ready = failed.length === 0;
    // A turn is worth a line; the same state probed every second is not.
    if (ready !== this.lastReady) {
      if (ready) this.log.info('ready');
      else this.log.warn({ failed }, `not ready: ${failed.map((f) => `${f.check}: ${f.reason}`).join('; ')}`);
      this.lastReady = ready;
    }
    return { ready, failed };
  }
}

/**
 * The embedded store takes a write: one page-sized row inserted and deleted in one committed
 * transaction, so the database must find a page for it (a full disk, SQLite's max_page_count and a
 * read-only or damaged file all fail it), and the commit must reach the WAL.
 */
export function sqliteWriteProbe(db: Database.Database): ReadinessCheck {
  let probe: (() => void) | null = null;
  return () => {
    if (!db.open) throw new Error('the database is closed');
    if (!probe) {
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      const insert = db.prepare('INSERT INTO readiness_probe (payload) VALUES (zeroblob(?))');
      const remove = db.prepare('DELETE FROM readiness_probe WHERE id = ?');
      probe = db.transaction(() => {
        remove.run(insert.run(pageSize).lastInsertRowid);
      });
    }
    try {
      probe();
    } catch (err) {
      throw new Error(`the database cannot be written: ${(err as Error).message}`, { cause: err });
    }
  };
}
