import type { RetainedListPage } from '@mqdash/contracts';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { retainedKeys } from './keys';

export interface RetainedListFilter {
  topicFilter: string;
  /** 1-based. */
  page: number;
  pageSize: number;
}

/** `GET /bff/retained`: one page of the retained messages a topic filter matches, in topic order. */
export const listRetained = (f: RetainedListFilter, signal?: AbortSignal): Promise<RetainedListPage> =>
  api.get<RetainedListPage>('/bff/retained', { query: { topicFilter: f.topicFilter, page: f.page, pageSize: f.pageSize }, signal });

export const listRetainedQueryOptions = (f: RetainedListFilter) =>
  queryOptions({ queryKey: retainedKeys.list(f), queryFn: ({ signal }) => listRetained(f, signal), placeholderData: keepPreviousData });

export const useRetainedList = (f: RetainedListFilter) => useQuery(listRetainedQueryOptions(f));
