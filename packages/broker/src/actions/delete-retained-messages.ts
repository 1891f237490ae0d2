import { deleteRetainedMessagesParams, type DeleteRetainedMessagesResult } from '@mqdash/contracts';
import { retainedOf } from './retained-format.ts';
import { defineAction } from './types.ts';

/**
 * deleteRetainedMessages (mqdash extension, issue 14): removes the retained message of one topic,
 * or every one a topic filter matches, from the broker (new subscribers no longer get it) and from
 * the database, before it answers. `dryRun` counts only. Deleting nothing is not an error.
 */
export const deleteRetainedMessages = defineAction({
  name: 'deleteRetainedMessages',
  params: deleteRetainedMessagesParams,
  // A dry run changes nothing: not audited.
  // A refused request's raw params may hold anything: only a string names the target.
  audit: (p, raw) => {
    if (p?.dryRun) return undefined;
    const named = p?.topic ?? p?.topicFilter ?? [raw.topic, raw.topicFilter].find((v) => typeof v === 'string');
    return `retained:${named ?? ''}`;
  },
  async run(p, ctx): Promise<DeleteRetainedMessagesResult> {
    const retained = retainedOf(ctx);
    const matchedCount = p.topic !== undefined ? (retained.get(p.topic) ? 1 : 0) : retained.countMatching(p.topicFilter!);
    if (p.dryRun) return { matchedCount, deletedCount: 0, dryRun: true };
    const deletedCount = p.topic !== undefined ? await retained.delete(p.topic) : await retained.deleteMatching(p.topicFilter!);
    return { matchedCount, deletedCount, dryRun: false };
  },
});
