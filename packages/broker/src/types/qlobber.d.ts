declare module 'qlobber' {
  /** The options mqdash uses; see qlobber's README for the rest. */
  export interface QlobberOptions {
    separator?: string;
    wildcard_one?: string;
    wildcard_some?: string;
    match_empty_levels?: boolean;
    max_words?: number;
    max_wildcard_somes?: number;
  }

  /** A topic trie: values added under topic filters, matched by topic names. */
  export class Qlobber<V = unknown> {
    constructor(options?: QlobberOptions);
    add(topic: string, val: V): this;
    /** Removes `val` (compared with ===) from the filter; without `val`, every value of it. */
    remove(topic: string, val?: V): this;
    /** Values of every filter matching the topic; may repeat a value added under two filters. */
    match(topic: string): V[];
    clear(): this;
  }
}
