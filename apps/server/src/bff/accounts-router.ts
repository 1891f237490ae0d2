import express from 'express';
import { accountPatchBody, createAccountBody, type AccountInfo } from '@mqdash/contracts';
import { act, parseWith, type BffDeps } from './context.ts';

/**
 * `/bff/accounts`: administrator accounts and their roles (issue 12), for Settings → Accounts.
 * Passwords go in (POST, PATCH) and never come out; every route answers `Cache-Control: no-store`.
 */
export function accountsRouter(deps: BffDeps): express.Router {
  const router = express.Router();
  const usernameOf = (req: express.Request) => String(req.params.username);

  router.get('/', async (req, res) => {
    res.json(await act<{ data: AccountInfo[] }>(deps, req, 'listAccounts', {}));
  });

  router.post('/', async (req, res) => {
    const body = parseWith(createAccountBody, req.body, 'body');
    res.status(201).json(await act<AccountInfo>(deps, req, 'createAccount', body));
  });

  router.patch('/:username', async (req, res) => {
    const body = parseWith(accountPatchBody, req.body, 'body');
    res.json(await act<AccountInfo>(deps, req, 'alterAccount', { ...body, username: usernameOf(req) }));
  });

  router.delete('/:username', async (req, res) => {
    await act(deps, req, 'dropAccount', { username: usernameOf(req) });
    res.status(204).end();
  });

  return router;
}
