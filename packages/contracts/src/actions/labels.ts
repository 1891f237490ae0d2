import { z } from 'zod';
import { jsonValue, utf8String } from '../common.ts';

/**
 * Labels (seed 000/002 describe them; FairCom's createLabel, listLabels and listLabelGroups).
 * A label is unique by group + name; sessions refer to it by id.
 */
export interface LabelInfo {
  id: number;
  group: string;
  name: string;
  description: string;
  metadata: unknown;
  createdDateTime: string;
  /** Sessions carrying the label. */
  sessionCount: number;
}

export const createLabelParams = z.object({
  group: utf8String(0, 64).default(''),
  name: utf8String(1, 64),
  description: utf8String(0, 65500).default(''),
  metadata: jsonValue(65500).default({}),
});
export type CreateLabelParams = z.infer<typeof createLabelParams>;

export const listLabelsParams = z.object({
  /** Exact group names; empty matches all. */
  groupFilter: z.array(utf8String(0, 64)).max(1000).default([]),
  /** Groups beginning with this ("product/" for a hierarchy). */
  partialGroupFilter: utf8String(0, 64).default(''),
  /** Names beginning with this. */
  partialName: utf8String(0, 64).default(''),
  skipRecords: z.int().min(0).max(4294967295).default(0),
  maxRecords: z.int().min(-1).max(4294967295).default(-1),
});
export type ListLabelsParams = z.infer<typeof listLabelsParams>;

export const listLabelGroupsParams = z.object({
  partialGroupFilter: utf8String(0, 64).default(''),
});
