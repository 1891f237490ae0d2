import { previewRetentionParams, type RetentionPreview } from '@mqdash/contracts';
import { defineAction } from './types.ts';

/**
 * previewRetention (mqdash extension, issue 14): a dry run. Counts what the stored policy, with
 * the properties given changed, would remove if it ran now; removes nothing.
 */
export const previewRetention = defineAction({
  name: 'previewRetention',
  params: previewRetentionParams,
  run(p, ctx): RetentionPreview {
    return ctx.core.retention.preview(p);
  },
});
