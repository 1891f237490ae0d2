/**
 * The Retained screen's state in the URL (STYLE #11): `?filter=sensors/%23&page=2`. The URL is the
 * source of truth, so a search is bookmarkable and Back works.
 */
export interface RetainedListState {
  topicFilter: string;
  /** 1-based, as people read it. */
  page: number;
}

export const RETAINED_PAGE_SIZE = 50;
export const DEFAULT_FILTER = '#';

export function fromSearchParams(p: URLSearchParams): RetainedListState {
  const page = Number(p.get('page'));
  return { topicFilter: p.get('filter') || DEFAULT_FILTER, page: Number.isInteger(page) && page > 0 ? page : 1 };
}

export function toSearchParams(s: RetainedListState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.topicFilter !== DEFAULT_FILTER) p.set('filter', s.topicFilter);
  if (s.page > 1) p.set('page', String(s.page));
  return p;
}

export const pageCount = (total: number): number => Math.max(1, Math.ceil(total / RETAINED_PAGE_SIZE));
