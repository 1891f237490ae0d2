import { z } from 'zod';
import { jsonValue, maxChars, utf8String } from '../common.ts';

/**
 * Labels (seed 000/002 describe them; FairCom's label actions createLabel, listLabels,
 * listLabelGroups, alterLabel, deleteLabel). A label is unique by group + name, its natural key;
 * sessions refer to it by `id`, so renaming one keeps its sessions. Besides FairCom's properties,
 * `metadata.color` (when metadata is an object) is a CSS hex colour the dashboard paints the label with.
 */
export interface LabelInfo {
  id: number;
  group: string;
  name: string;
  /** FairCom: any JSON value the label stands for; null when none was given. */
  value: unknown;
  /** FairCom: an integer (smallint) for lookup lists; 0 when none was given. */
  enum: number;
  /** FairCom: a number that orders labels; 0 when none was given. */
  sequence: number;
  deprecated: boolean;
  /** listLabels: only with includeDescription. */
  description?: string;
  /** listLabels: only with includeMetadata. */
  metadata?: unknown;
  createdDateTime: string;
  updatedDateTime?: string;
  /** mqdash: sessions carrying the label. */
  sessionCount: number;
}

/** FairCom's numbers may also come as strings ("4.4", "1"): they are read as the number. */
const NUMERIC = /^\s*-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const numberOrNumeric = <T extends z.ZodType<number, number>>(inner: T) =>
  z.union([z.number(), maxChars(64)]).transform((v, ctx) => {
    if (typeof v === 'number') return v;
    if (!NUMERIC.test(v)) {
      ctx.addIssue({ code: 'custom', params: { errorCode: 'wrongType' }, message: `must be a number (or a number written as a string), got "${v.slice(0, 40)}"` });
      return z.NEVER;
    }
    return Number(v);
  }).pipe(inner);

/** FairCom: enum is a smallint. */
export const labelEnumSchema = numberOrNumeric(z.int().min(-32768).max(32767));
export const labelSequenceSchema = numberOrNumeric(z.number().min(-1e15).max(1e15));
export const labelIdValueSchema = numberOrNumeric(z.int().min(0).max(4294967296));

/** `#rgb` or `#rrggbb`: the colour the dashboard paints a label with, kept in metadata.color. */
export const LABEL_COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

/** Any JSON up to 65,500 bytes; when it is an object with `color`, that must be a CSS hex colour. */
export const labelMetadataSchema = jsonValue(65500).superRefine((m, ctx) => {
  if (m === null || typeof m !== 'object' || Array.isArray(m) || !('color' in m)) return;
  const color = (m as Record<string, unknown>).color;
  if (typeof color !== 'string' || !LABEL_COLOR.test(color))
    ctx.addIssue({ code: 'custom', path: ['color'], params: { errorCode: 'outOfLimits' }, message: 'must be a CSS hex colour such as "#3b82f6" or "#38f"' });
});

const groupSchema = utf8String(0, 64);
const nameSchema = utf8String(1, 64);

export const createLabelParams = z.object({
  group: groupSchema.default(''),
  name: nameSchema,
  value: jsonValue(65500).optional(),
  enum: labelEnumSchema.optional(),
  sequence: labelSequenceSchema.optional(),
  deprecated: z.boolean().default(false),
  description: utf8String(0, 65500).default(''),
  metadata: labelMetadataSchema.default({}),
});
export type CreateLabelParams = z.infer<typeof createLabelParams>;

const filterList = <T extends z.ZodType>(item: T) => z.array(item).max(1000);

export const listLabelsParams = z.object({
  /** FairCom: labels with these ids; no other filter may be given with it. */
  idFilter: filterList(labelIdValueSchema).optional(),
  /** Exact group names. */
  groupFilter: filterList(groupSchema).optional(),
  /** Groups beginning with this ("product/" for a hierarchy). */
  partialGroupFilter: groupSchema.optional(),
  /** Exact label names. */
  nameFilter: filterList(nameSchema).optional(),
  /** Names beginning with this. */
  partialNameFilter: utf8String(0, 64).optional(),
  /** mqdash's older spelling of partialNameFilter. */
  partialName: utf8String(0, 64).optional(),
  enumFilter: filterList(labelEnumSchema).optional(),
  sequenceFilter: filterList(labelSequenceSchema).optional(),
  deprecatedFilter: z.boolean().optional(),
  /** FairCom: description and metadata are in the results only when asked for. */
  includeDescription: z.boolean().default(false),
  includeMetadata: z.boolean().default(false),
  skipRecords: z.int().min(0).max(4294967295).default(0),
  maxRecords: z.int().min(-1).max(4294967295).default(-1),
}).superRefine((p, ctx) => {
  const given = (k: string) => (p as Record<string, unknown>)[k] !== undefined;
  const exclusive = (a: string, b: string, why = '') => {
    if (given(a) && given(b)) ctx.addIssue({ code: 'custom', path: [b], params: { errorCode: 'mutuallyExclusive' }, message: `"${a}" and "${b}" are mutually exclusive${why}: give only one` });
  };
  if (given('idFilter'))
    for (const k of ['groupFilter', 'partialGroupFilter', 'nameFilter', 'partialNameFilter', 'partialName', 'enumFilter', 'sequenceFilter', 'deprecatedFilter'])
      exclusive('idFilter', k, ' (idFilter finds labels by id alone)');
  exclusive('groupFilter', 'partialGroupFilter');
  exclusive('nameFilter', 'partialNameFilter');
  exclusive('nameFilter', 'partialName');
  exclusive('partialNameFilter', 'partialName');
});
export type ListLabelsParams = z.infer<typeof listLabelsParams>;

export const listLabelGroupsParams = z.object({
  partialGroupFilter: groupSchema.default(''),
});
export interface ListLabelGroupsResult {
  /** FairCom's answer: the groups in use, sorted. */
  groups: string[];
}

/** A label named by `id`, or by `name` within `group` (default ""), as FairCom's alterLabel takes it. */
const labelKey = {
  id: labelIdValueSchema.optional(),
  group: groupSchema.optional(),
  name: nameSchema.optional(),
};
function checkKey(p: { id?: number; group?: string; name?: string }, ctx: z.RefinementCtx): void {
  if (p.id !== undefined && (p.name !== undefined || p.group !== undefined))
    ctx.addIssue({ code: 'custom', path: [p.name !== undefined ? 'name' : 'group'], params: { errorCode: 'mutuallyExclusive' },
      message: 'name the label by "id", or by "group" and "name", not both' });
  else if (p.id === undefined && p.name === undefined)
    ctx.addIssue({ code: 'custom', path: ['name'], params: { errorCode: 'missingProperty' }, message: 'is required unless "id" names the label (give "id", or "name" and its "group")' });
}

/** What alterLabel changes: only the properties given; newGroup / newName rename. */
const labelChanges = {
  newGroup: groupSchema.optional(),
  newName: nameSchema.optional(),
  value: jsonValue(65500).optional(),
  enum: labelEnumSchema.optional(),
  sequence: labelSequenceSchema.optional(),
  deprecated: z.boolean().optional(),
  description: utf8String(0, 65500).optional(),
  metadata: labelMetadataSchema.optional(),
};

export const alterLabelParams = z.object({ ...labelKey, ...labelChanges }).superRefine(checkKey);
export type AlterLabelParams = z.infer<typeof alterLabelParams>;

export const deleteLabelParams = z.object(labelKey).superRefine(checkKey);
export type DeleteLabelParams = z.infer<typeof deleteLabelParams>;
export interface DeleteLabelResult {
  /** The label as it was, when it existed. */
  label?: LabelInfo;
  deleted: boolean;
  /** Sessions that carried the label and carry none now. */
  sessionsUnlabeled: number;
}

/** `POST /bff/labels`: createLabel's properties. */
export const labelCreateBody = createLabelParams;

/** `PATCH /bff/labels/:id`: alterLabel's changes; the label is the one the path names by id. */
export const labelAlterBody = z.object(labelChanges);
export type LabelAlterBody = z.infer<typeof labelAlterBody>;

/** `/bff/labels/:id`: the label's id in the path. */
export const labelIdPath = z.object({ id: labelIdValueSchema });
