import { ActionError, type ActionContext } from './types.ts';

/**
 * API keys are managed by accounts (dashboard, JSON action API), never by an API key itself: an
 * EMQX-API principal may not create, change or delete keys.
 */
export function accountOnly(ctx: ActionContext): void {
  if (ctx.principal !== undefined && ctx.source === 'emqx')
    throw new ActionError('notPermitted', 'API keys are managed by an account (dashboard or JSON action API), not by an API key');
}

export const unknownApiKey = (name: string) =>
  new ActionError('unknownApiKey', `params.name: no API key named ${JSON.stringify(name)}`, { property: 'params.name', value: name });

/** The audit target of an API key: prefixed, so it never collides with a session's clientName. */
export const apiKeyTarget = (_p: unknown, raw: Record<string, unknown>) =>
  (typeof raw.name === 'string' ? `apikey:${raw.name}` : null);
