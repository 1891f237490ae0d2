import { z } from 'zod';

/**
 * Issue 13, saved views: a named set of the sessions screen's filters, sort and visible columns,
 * kept on the server per administrator account (`/bff/views`). `search` is the sessions URL's
 * query string as the dashboard writes it (`q=line-3&sort=lastConnect&dir=desc`), so a view opens
 * exactly like the link it was saved from; the dashboard parses it with the same tolerant rules.
 */
export const SAVED_VIEW_NAME_MAX = 80;
export const SAVED_VIEW_SEARCH_MAX = 4000;
/** Views per account. */
export const SAVED_VIEWS_MAX = 100;

// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u001f\u007f]/;

export const savedViewBody = z.strictObject({
  name: z.string()
    .min(1, 'name must not be empty')
    .max(SAVED_VIEW_NAME_MAX, `name must be at most ${SAVED_VIEW_NAME_MAX} characters`)
    .refine((s) => s.trim() === s, 'name must not start or end with a space')
    .refine((s) => !controlChars.test(s), 'name must not contain control characters'),
  search: z.string()
    .max(SAVED_VIEW_SEARCH_MAX, `search must be at most ${SAVED_VIEW_SEARCH_MAX} characters`)
    .refine((s) => !s.startsWith('?'), 'search is the query string without the leading "?"')
    .refine((s) => !controlChars.test(s), 'search must not contain control characters'),
  /** Ids of the table's hideable columns that are shown. */
  columns: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/, 'a column id is 1–40 letters and digits')).max(50, 'at most 50 columns'),
});
export type SavedViewBody = z.infer<typeof savedViewBody>;

export interface SavedView extends SavedViewBody {
  createdDateTime: string;
  updatedDateTime: string;
}

export interface SavedViewList {
  data: SavedView[];
}
