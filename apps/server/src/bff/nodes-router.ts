import express from 'express';
import type { ListNodesResult } from '@mqdash/contracts';
import { act, type BffDeps } from './context.ts';

/** `/bff/nodes` (issue 11): the cluster's nodes, up or down, since when, connections (listNodes). */
export function nodesRouter(deps: BffDeps): express.Router {
  const router = express.Router();
  router.get('/', async (req, res) => {
    res.json(await act<ListNodesResult>(deps, req, 'listNodes', {}));
  });
  return router;
}
