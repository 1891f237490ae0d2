/**
 * Sliding counters for the seeds' `stats` rates (DESIGN §3 "Stats and health"): 1-second buckets
 * for the last minute, 1-minute buckets for the last hour. Buckets are cleared lazily as time
 * advances, so an increment is O(1) on the publish hot path.
 */
export class RateCounter {
  private readonly secs = new Uint32Array(60);
  private readonly mins = new Uint32Array(60);
  private lastSec: number;
  total = 0;
  sinceConnect = 0;

  constructor(nowSec: number, total = 0) {
    this.lastSec = nowSec;
    this.total = total;
  }

  private advance(nowSec: number): void {
    const last = this.lastSec;
    if (nowSec <= last) return;
    if (nowSec - last >= 60) this.secs.fill(0);
    else for (let s = last + 1; s <= nowSec; s++) this.secs[s % 60] = 0;
    const lastMin = Math.floor(last / 60);
    const nowMin = Math.floor(nowSec / 60);
    if (nowMin - lastMin >= 60) this.mins.fill(0);
    else for (let m = lastMin + 1; m <= nowMin; m++) this.mins[m % 60] = 0;
    this.lastSec = nowSec;
  }

  add(nowSec: number, n = 1): void {
    if (nowSec !== this.lastSec) this.advance(nowSec);
    this.secs[nowSec % 60]! += n;
    this.mins[Math.floor(nowSec / 60) % 60]! += n;
    this.total += n;
    this.sinceConnect += n;
  }

  /** Count over the last 60 s. */
  lastMinute(nowSec: number): number {
    this.advance(nowSec);
    let sum = 0;
    for (let i = 0; i < 60; i++) sum += this.secs[i]!;
    return sum;
  }

  /** The last `n` (≤ 60) 1-minute counts, oldest first, the current minute last. */
  minuteSeries(nowSec: number, n = 60): number[] {
    this.advance(nowSec);
    const nowMin = Math.floor(nowSec / 60);
    const out: number[] = [];
    for (let m = nowMin - n + 1; m <= nowMin; m++) out.push(this.mins[((m % 60) + 60) % 60]!);
    return out;
  }

  /** Count over the last `minutes` 1-minute buckets, the current one included. */
  lastMinutes(nowSec: number, minutes: number): number {
    this.advance(nowSec);
    const nowMin = Math.floor(nowSec / 60);
    let sum = 0;
    for (let m = nowMin - minutes + 1; m <= nowMin; m++) sum += this.mins[((m % 60) + 60) % 60]!;
    return sum;
  }
}

/**
 * A level (the delivery backlog) sampled at the start of every second, minute and hour, so the
 * growth over a window is `level now − level at the window's start` (DESIGN §3: net growth per
 * minute over that window, never below 0).
 */
export class LevelTracker {
  private readonly secs = new Int32Array(60);
  private readonly mins = new Int32Array(60);
  private readonly hours = new Int32Array(24);
  private lastSec: number;
  level = 0;
  atConnect = 0;

  constructor(nowSec: number) {
    this.lastSec = nowSec;
  }

  private advance(nowSec: number): void {
    const last = this.lastSec;
    if (nowSec <= last) return;
    const lvl = this.level;
    for (let s = Math.max(last + 1, nowSec - 59); s <= nowSec; s++) this.secs[s % 60] = lvl;
    const lastMin = Math.floor(last / 60);
    const nowMin = Math.floor(nowSec / 60);
    for (let m = Math.max(lastMin + 1, nowMin - 59); m <= nowMin; m++) this.mins[m % 60] = lvl;
    const lastHour = Math.floor(last / 3600);
    const nowHour = Math.floor(nowSec / 3600);
    for (let h = Math.max(lastHour + 1, nowHour - 23); h <= nowHour; h++) this.hours[h % 24] = lvl;
    this.lastSec = nowSec;
  }

  change(nowSec: number, delta: number): void {
    if (nowSec !== this.lastSec) this.advance(nowSec);
    this.level = Math.max(0, this.level + delta);
  }

  set(nowSec: number, level: number): void {
    if (nowSec !== this.lastSec) this.advance(nowSec);
    this.level = Math.max(0, level);
  }

  /** A level that was already there (a queue loaded at start): every window starts from it, so it is no growth. */
  baseline(nowSec: number, level: number): void {
    this.set(nowSec, level);
    this.secs.fill(this.level);
    this.mins.fill(this.level);
    this.hours.fill(this.level);
    this.atConnect = this.level;
  }

  /** Growth per minute over the last `seconds` (≤ 60), from 1-second samples. */
  private growthSince(start: number, minutes: number): number {
    return Math.max(0, this.level - start) / minutes;
  }

  perMinute(nowSec: number): number {
    this.advance(nowSec);
    return this.growthSince(this.secs[(nowSec - 59) % 60]!, 1);
  }

  perMinuteOver(nowSec: number, minutes: 10 | 60): number {
    this.advance(nowSec);
    const nowMin = Math.floor(nowSec / 60);
    return this.growthSince(this.mins[(((nowMin - minutes + 1) % 60) + 60) % 60]!, minutes);
  }

  perMinuteOverDay(nowSec: number): number {
    this.advance(nowSec);
    const nowHour = Math.floor(nowSec / 3600);
    return this.growthSince(this.hours[(((nowHour - 23) % 24) + 24) % 24]!, 1440);
  }

  /** The level at the start of each of the last `n` (≤ 60) minutes, oldest first; the current level last. */
  minuteSeries(nowSec: number, n = 60): number[] {
    this.advance(nowSec);
    const nowMin = Math.floor(nowSec / 60);
    const out: number[] = [];
    for (let m = nowMin - n + 2; m <= nowMin; m++) out.push(this.mins[((m % 60) + 60) % 60]!);
    out.push(this.level);
    return out;
  }

  perMinuteSince(connectedMinutes: number): number {
    return connectedMinutes > 0 ? Math.max(0, this.level - this.atConnect) / connectedMinutes : 0;
  }
}
