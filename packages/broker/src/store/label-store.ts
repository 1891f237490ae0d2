import type Database from 'better-sqlite3';

/** One label with FairCom's properties (labels table + migration 2026-12-02-label-properties). Times are epoch ms. */
export interface LabelRecord {
  id: number;
  group: string;
  name: string;
  value: unknown;
  enum: number;
  sequence: number;
  deprecated: boolean;
  description: string;
  metadata: unknown;
  createdAt: number;
  updatedAt: number | null;
  /** Sessions carrying the label. */
  sessionCount: number;
}

export interface LabelFilter {
  ids?: number[];
  groups?: string[];
  groupPrefix?: string;
  names?: string[];
  namePrefix?: string;
  enums?: number[];
  sequences?: number[];
  deprecated?: boolean;
  skip: number;
  /** -1: no limit. */
  limit: number;
}

export type LabelChanges = Partial<Pick<LabelRecord, 'group' | 'name' | 'value' | 'enum' | 'sequence' | 'deprecated' | 'description' | 'metadata'>>;

type DbRow = Record<string, unknown>;

const fromDb = (r: DbRow): LabelRecord => ({
  id: r.id as number,
  group: r.grp as string,
  name: r.name as string,
  value: r.value === null || r.value === undefined ? null : JSON.parse(r.value as string),
  enum: (r.enum_value as number | undefined) ?? 0,
  sequence: (r.sequence_value as number | undefined) ?? 0,
  deprecated: r.deprecated === 1,
  description: r.description as string,
  metadata: JSON.parse(r.metadata as string),
  createdAt: r.created_at as number,
  updatedAt: (r.updated_at as number | null | undefined) ?? null,
  sessionCount: (r.session_count as number | undefined) ?? 0,
});

const columnOf: Record<keyof LabelChanges, string> = {
  group: 'grp', name: 'name', value: 'value', enum: 'enum_value', sequence: 'sequence_value', deprecated: 'deprecated',
  description: 'description', metadata: 'metadata',
};

const toDb = (key: keyof LabelChanges, v: unknown): unknown =>
  key === 'value' ? (v === null || v === undefined ? null : JSON.stringify(v))
    : key === 'metadata' ? JSON.stringify(v ?? {})
      : key === 'deprecated' ? (v ? 1 : 0)
        : v;

const SELECT = 'SELECT l.*, (SELECT count(*) FROM sessions s WHERE s.label_id = l.id) AS session_count FROM labels l';

/**
 * The labels of FairCom's label actions on the store's SQLite database: create, find, list with
 * every filter of listLabels, alter (rename included) and delete. Sessions refer to labels by id,
 * so a rename keeps them; a delete leaves them without a label (ON DELETE SET NULL).
 */
export class LabelStore {
  constructor(private readonly db: Database.Database) {}

  get(id: number): LabelRecord | undefined {
    const r = this.db.prepare(`${SELECT} WHERE l.id = ?`).get(id) as DbRow | undefined;
    return r && fromDb(r);
  }

  find(group: string, name: string): LabelRecord | undefined {
    const r = this.db.prepare(`${SELECT} WHERE l.grp = ? AND l.name = ?`).get(group, name) as DbRow | undefined;
    return r && fromDb(r);
  }

  create(l: Omit<LabelRecord, 'id' | 'updatedAt' | 'sessionCount'>): LabelRecord {
    const info = this.db.prepare(`INSERT INTO labels (grp, name, value, enum_value, sequence_value, deprecated, description, metadata, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      l.group, l.name, toDb('value', l.value), l.enum, l.sequence, l.deprecated ? 1 : 0, l.description, JSON.stringify(l.metadata ?? {}), l.createdAt,
    );
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** Applies the given changes; returns the label as it is now. */
  alter(id: number, changes: LabelChanges, now: number): LabelRecord {
    const keys = (Object.keys(changes) as Array<keyof LabelChanges>).filter((k) => changes[k] !== undefined);
    if (keys.length) {
      this.db.prepare(`UPDATE labels SET ${keys.map((k) => `${columnOf[k]} = ?`).join(', ')}, updated_at = ? WHERE id = ?`)
        .run(...keys.map((k) => toDb(k, changes[k])), now, id);
    }
    return this.get(id)!;
  }

  /** Client names of the sessions carrying a label. */
  sessionsWith(id: number): string[] {
    return (this.db.prepare('SELECT client_name FROM sessions WHERE label_id = ?').pluck().all(id) as string[]);
  }

  /** Deletes a label; its sessions keep no label (the foreign key sets it to NULL). */
  delete(id: number): void {
    this.db.prepare('DELETE FROM labels WHERE id = ?').run(id);
  }

  list(f: LabelFilter): { rows: LabelRecord[]; total: number } {
    const where: string[] = [];
    const args: unknown[] = [];
    const inList = (col: string, values: unknown[] | undefined) => {
      if (!values || values.length === 0) return;
      where.push(`${col} IN (${values.map(() => '?').join(', ')})`);
      args.push(...values);
    };
    const prefix = (col: string, p: string | undefined) => {
      if (!p) return;
      where.push(`substr(${col}, 1, ?) = ?`);
      args.push([...p].length, p);
    };
    inList('l.id', f.ids);
    inList('l.grp', f.groups);
    prefix('l.grp', f.groupPrefix);
    inList('l.name', f.names);
    prefix('l.name', f.namePrefix);
    inList('l.enum_value', f.enums);
    inList('l.sequence_value', f.sequences);
    if (f.deprecated !== undefined) {
      where.push('l.deprecated = ?');
      args.push(f.deprecated ? 1 : 0);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const rows = (this.db.prepare(`${SELECT} ${w} ORDER BY l.grp, l.sequence_value, l.name LIMIT ? OFFSET ?`).all(...args, f.limit, f.skip) as DbRow[]).map(fromDb);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM labels l ${w}`).get(...args) as { n: number }).n;
    return { rows, total };
  }

  groups(prefix: string): string[] {
    return this.db.prepare('SELECT DISTINCT grp FROM labels WHERE substr(grp, 1, ?) = ? ORDER BY grp').pluck().all([...prefix].length, prefix) as string[];
  }
}
