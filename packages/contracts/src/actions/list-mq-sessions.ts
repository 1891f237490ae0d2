import { z } from 'zod';
import { exclusive, labelIdSchema, labelSchema, sessionHealths, sessionStatusSchema, sessionTypes, utf8String } from '../common.ts';
import type { SessionListRow } from '../session.ts';

export const sortKeys = ['lastConnect', 'lastDisconnect', 'clientName', 'ipAddress'] as const;
export type SortKey = (typeof sortKeys)[number];

/** Seed 000, plus the paging extension of DESIGN §3 (skipRecords/maxRecords, totalCount). */
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
