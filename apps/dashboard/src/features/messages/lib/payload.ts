import type { PayloadFormat } from '@mqdash/contracts';

export type PublishFormat = 'utf8' | 'json' | 'hex' | 'base64';

/** The publish form's payload text → the API's payload and binaryFormat; JSON is parsed here. */
export function toPublishPayload(text: string, format: PublishFormat): { payload: unknown; binaryFormat: PayloadFormat } | { error: string } {
  if (format === 'json') {
    try {
      return { payload: JSON.parse(text), binaryFormat: 'json' };
    } catch (e) {
      return { error: `Not valid JSON: ${e instanceof Error ? e.message : 'cannot be parsed'}` };
    }
  }
  if (format === 'hex') return { payload: text.replace(/\s+/g, ''), binaryFormat: 'hex' };
  if (format === 'base64') return { payload: text.replace(/\s+/g, ''), binaryFormat: 'base64' };
  return { payload: text, binaryFormat: 'utf8' };
}
