import { z } from 'zod';
import { exclusive, labelIdSchema, labelSchema, sessionHealths, sessionStatusSchema, sessionTypes, utf8String } from '../common.ts';
import { ipFilterSchema } from '../ip-filter.ts';
import type { SessionListRow } from '../session.ts';

export const sortKeys = ['lastConnect', 'lastDisconnect', 'clientName', 'ipAddress'] as const;
export type SortKey = (typeof sortKeys)[number];

export const mqttProtocolFilterValues = ['3.1', '3.1.1', '5.0'] as const;

/** A label by group and name, or a whole group when the name is left out (issue 13). */
export const labelFilterItemSchema = z.object({
  group: utf8String(0, 64).default(''),
  name: utf8String(1, 64).optional(),
});
export type LabelFilterItem = z.infer<typeof labelFilterItemSchema>;

/** Shortest `searchText` served by the trigram index; shorter terms are a client-name prefix. */
export const MIN_SUBSTRING_SEARCH = 3;

/**
 * Seed 000, plus mqdash's extensions: the paging of DESIGN §3 (skipRecords/maxRecords, totalCount)
 * and issue 13's search — `searchText` (a substring of client name, user name, IP address or label
 * name, any letter case; 1–2 characters: a client-name prefix), `usernameFilter`,
 * `ipAddressFilter` (addresses or CIDR ranges), `mqttProtocolFilter`, and `labelIdFilter` with
 * `labelFilter` (together one set of labels; an item without a name is its whole group).
 */
export const listMqSessionsParams = z
  .object({
    partialClientName: utf8String(0, 65550).default(''),
    connectionStatusFilter: z.array(z.enum(['disconnected', 'connected', 'connectedTemporarily', 'unknown'])).default([]),
    sessionStatusFilter: z.array(sessionStatusSchema).default([]),
    sessionTypeFilter: z.array(z.enum(sessionTypes)).default([]),
    healthFilter: z.array(z.enum(sessionHealths)).default([]),
    unsetHealthMeasures: z.boolean().default(true),
    sortAscending: z.enum(sortKeys).optional(),
    sortDescending: z.enum(sortKeys).optional(),
    labelId: labelIdSchema.optional(),
    label: labelSchema.optional(),
    searchText: utf8String(0, 65550).default(''),
    usernameFilter: z.array(utf8String(0, 65535)).max(1000).default([]),
    ipAddressFilter: z.array(ipFilterSchema).max(1000).default([]),
    mqttProtocolFilter: z.array(z.enum(mqttProtocolFilterValues)).default([]),
    labelIdFilter: z.array(labelIdSchema).max(1000).default([]),
    labelFilter: z.array(labelFilterItemSchema).max(1000).default([]),
    skipRecords: z.int().min(0).max(4294967295).default(0),
    maxRecords: z.int().min(-1).max(4294967295).default(-1),
  })
  .superRefine((v, ctx) => {
    exclusive(ctx, v, 'sortAscending', 'sortDescending');
    exclusive(ctx, v, 'label', 'labelId');
  });

export type ListMqSessionsParams = z.infer<typeof listMqSessionsParams>;
export interface ListMqSessionsResult {
  data: SessionListRow[];
  totalCount: number;
}
