import express from 'express';
import { apiKeyPatchBody, createApiKeyParams, type ApiKeyInfo, type CreateApiKeyResult } from '@mqdash/contracts';
import { act, parseWith, type BffDeps } from './context.ts';

/**
 * `/bff/api-keys`: the settings page's API keys for the EMQX-compatible API. The secret is in the
 * POST response only (and the router answers `Cache-Control: no-store`).
 */
export function apiKeysRouter(deps: BffDeps): express.Router {
  const router = express.Router();
  const nameOf = (req: express.Request) => String(req.params.name);

  router.get('/', async (req, res) => {
    res.json(await act<{ data: ApiKeyInfo[] }>(deps, req, 'listApiKeys', {}));
  });

  router.post('/', async (req, res) => {
    const body = parseWith(createApiKeyParams, req.body, 'body');
    res.status(201).json(await act<CreateApiKeyResult>(deps, req, 'createApiKey', body));
  });

  router.patch('/:name', async (req, res) => {
    const body = parseWith(apiKeyPatchBody, req.body, 'body');
    res.json(await act<ApiKeyInfo>(deps, req, 'alterApiKey', { ...body, name: nameOf(req) }));
  });

  router.delete('/:name', async (req, res) => {
    await act(deps, req, 'deleteApiKey', { name: nameOf(req) });
    res.status(204).end();
  });

  return router;
}
