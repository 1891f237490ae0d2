import express from 'express';
import { SavedViewLimitError } from '@mqdash/broker';
import { SAVED_VIEW_NAME_MAX, savedViewBody, type SavedView, type SavedViewList } from '@mqdash/contracts';
import { parseWith, sessionOf, type BffDeps } from './context.ts';
import { HttpError } from './errors.ts';

/**
 * `/bff/views`, issue 13: the signed-in account's saved views of the sessions screen. Every role
 * may keep its own; nobody sees or changes another account's (the account is the sign-in's, never
 * a parameter).
 */
export function viewsRouter(deps: BffDeps): express.Router {
  const router = express.Router();

  router.get('/', (req, res) => {
    res.json({ data: deps.broker.savedViews.list(sessionOf(req).username) } satisfies SavedViewList);
  });

  /** Creates a view, or replaces the account's view of the same name. */
  router.post('/', (req, res) => {
    const body = parseWith(savedViewBody, req.body, 'body');
    try {
      res.status(201).json(deps.broker.savedViews.save(sessionOf(req).username, body) satisfies SavedView);
    } catch (err) {
      if (err instanceof SavedViewLimitError) throw new HttpError(409, 'TOO_MANY_VIEWS', err.message);
      throw err;
    }
  });

  router.delete('/:name', (req, res) => {
    const name = String(req.params.name);
    if (name.length > SAVED_VIEW_NAME_MAX) throw new HttpError(400, 'BAD_REQUEST', `name: must be at most ${SAVED_VIEW_NAME_MAX} characters`);
    if (!deps.broker.savedViews.delete(sessionOf(req).username, name)) throw new HttpError(404, 'VIEW_NOT_FOUND', `name: you have no saved view named "${name}"`);
    res.status(204).end();
  });

  return router;
}
