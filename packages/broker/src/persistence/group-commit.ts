import type Database from 'better-sqlite3';

export interface GroupCommitOptions {
  /**
   * Write-behind changes are written once they are at least this old (ms), so that a change undone
   * meanwhile (a message queued and acknowledged) is never written at all.
   */
  delayMs: number;
  /** Delay of a flush that a caller waits for: 0 = the next turn of the event loop (setImmediate). */
  syncDelayMs: number;
  /** When this many changes are pending, the next flush writes all of them, young or not. */
  maxPending: number;
  /**
   * `full`: a flush that a caller waits for is fsynced (SQLite synchronous=FULL for that
   * transaction; it also makes every earlier commit durable), so what was acknowledged survives
   * power loss; `normal`: the connection's own setting (WAL + NORMAL survives a process crash, not
   * power loss).
   */
  sync: 'full' | 'normal';
  /** Called when a flush fails (the changes stay pending and are tried again). */
  onError: (err: Error) => void;
  /** Called after each committed flush with its duration in seconds (the store write latency metric). */
  onCommit?: (seconds: number) => void;
}

export type Durable = (err: Error | null) => void;

/** Which write-behind changes a flush writes: those recorded in generations up to `cut` (Infinity: all). */
export interface GroupCommitHooks {
  /** Writes the urgent changes and the write-behind changes of generations <= cut (inside the transaction). */
  write: (cut: number) => void;
  /** The transaction committed: forget what was written; returns how many changes are still pending. */
  committed: (cut: number) => number;
  /** The transaction failed (rolled back): the changes stay pending, the waiters are told. */
  failed: () => void;
}

/**
 * Group commit on a better-sqlite3 connection. Callers record their changes in their own pending
 * state, stamped with `stamp()` (one stamp per operation), and call `changed()` (write-behind) or
 * `whenDurable(cb)` (cb runs once the urgent changes recorded so far are committed; with `all`,
 * every change). A flush runs `hooks.write(cut)` in one transaction: every urgent change, and the
 * write-behind changes whose stamp is at most `cut`, i.e. at least `delayMs` old. Changes with
 * one stamp are written together.
 */
export class GroupCommit {
  /** Stamps are generations of at most `delayMs / 4` each: a generation's changes are that close in time. */
  private generation = 1;
  private readonly generationStarts: Array<{ generation: number; at: number }> = [{ generation: 1, at: Date.now() }];
  private waiters: Durable[] = [];
  private pending = 0;
  private writeAll = false;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private dueAt = Infinity;
  private failures = 0;
  private closed = false;
  private readonly tx: (cut: number) => void;
  private readonly restoreSync: number | null;
  /** Flushes and changes recorded, for tests and the benchmark. */
  readonly stats = { flushes: 0, changes: 0, failures: 0 };

  constructor(
    private readonly db: Database.Database,
    private readonly hooks: GroupCommitHooks,
    private readonly o: GroupCommitOptions,
  ) {
    this.tx = db.transaction((cut: number) => hooks.write(cut));
    const current = db.pragma('synchronous', { simple: true }) as number;
    // 2 = FULL, 3 = EXTRA: already at least as strict as asked.
    this.restoreSync = o.sync === 'full' && current < 2 ? current : null;
  }

  /** Changes waiting for a flush. */
  get pendingChanges(): number {
    return this.pending;
  }

  /** The stamp for the changes of one operation. */
  stamp(): number {
    const now = Date.now();
    if (now - this.generationStarts.at(-1)!.at >= this.bucketMs) {
      this.generation++;
      this.generationStarts.push({ generation: this.generation, at: now });
    }
    return this.generation;
  }

  private get bucketMs(): number {
    return Math.max(1, this.o.delayMs / 4);
  }

  /** Write-behind changes were recorded. */
  changed(n = 1): void {
    this.pending += n;
    this.stats.changes += n;
    if (this.pending >= this.o.maxPending) {
      this.writeAll = true;
      this.schedule(0);
    } else this.schedule(this.o.delayMs + this.bucketMs);
  }

  /**
   * `cb` runs after the urgent changes recorded so far are committed (with `all`: every change),
   * or with the error of that flush.
   */
  whenDurable(cb: Durable, all = false): void {
    if (this.closed) {
      cb(new Error('the MQTT persistence is closed'));
      return;
    }
    if (all) this.writeAll = true;
    this.waiters.push(cb);
    this.schedule(this.o.syncDelayMs);
  }

  /** Writes now (synchronously): everything with `all`. Returns false when the flush failed. */
  flush(all = false): boolean {
    this.clearSchedule();
    if (this.pending === 0 && this.waiters.length === 0) return true;
    const cut = all || this.writeAll ? Infinity : this.cutoff();
    const waiters = this.waiters;
    this.waiters = [];
    try {
      if (this.pending > 0) {
        // Only what somebody waits for needs the fsync; write-behind flushes ride on the next one.
        const fsync = this.restoreSync !== null && waiters.length > 0;
        if (fsync) this.db.pragma('synchronous = FULL');
        const started = performance.now();
        try {
          this.tx(cut);
        } finally {
          if (fsync) this.db.pragma(`synchronous = ${this.restoreSync}`);
        }
        this.o.onCommit?.((performance.now() - started) / 1000);
        this.pending = this.hooks.committed(cut);
        this.stats.flushes++;
      }
      this.writeAll = false;
      this.failures = 0;
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      for (const w of waiters) w(err);
      if (!this.db.open) {
        // The database was closed under us (a failed start, a test simulating a crash): nothing
        // can be written any more, so stop instead of retrying.
        this.closed = true;
        this.clearSchedule();
        return false;
      }
      this.failures++;
      this.stats.failures++;
      this.o.onError(err);
      this.hooks.failed();
      // The changes stay pending; try again later, backing off up to 5 s.
      if (!this.closed) this.schedule(Math.min(5000, 50 * 2 ** Math.min(this.failures, 7)));
      return false;
    }
    for (const w of waiters) w(null);
    // Younger write-behind changes are left: write them when they are old enough.
    if (this.pending > 0) this.schedule(this.o.delayMs + this.bucketMs);
    return true;
  }

  /** Final flush of everything; later waiters fail at once. */
  close(): boolean {
    const ok = this.flush(true);
    this.closed = true;
    this.clearSchedule();
    return ok;
  }

  /** The newest stamp whose changes are all at least delayMs old (0: none). */
  private cutoff(): number {
    // A generation's changes were made within bucketMs of its start.
    const limit = Date.now() - this.o.delayMs - this.bucketMs;
    const starts = this.generationStarts;
    let i = 0;
    while (i < starts.length && starts[i]!.at <= limit) i++;
    if (i === 0) return 0;
    const cut = starts[i - 1]!.generation;
    // Older generations are no longer needed (keep the newest, which is still being stamped).
    starts.splice(0, Math.min(i - 1, starts.length - 1));
    return cut;
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    if (delayMs <= 0) {
      if (this.immediate) return;
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
        this.dueAt = Infinity;
      }
      this.immediate = setImmediate(() => {
        this.immediate = null;
        this.flush();
      });
      return;
    }
    if (this.immediate) return;
    const due = Date.now() + delayMs;
    if (this.timer && this.dueAt <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dueAt = Infinity;
      this.flush();
    }, delayMs);
  }

  private clearSchedule(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    this.dueAt = Infinity;
  }
}
