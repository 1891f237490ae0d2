import express from 'express';
import { labelAlterBody, labelCreateBody, labelIdPath, type DeleteLabelResult, type LabelInfo } from '@mqdash/contracts';
import { act, parseWith, type BffDeps } from './context.ts';
import { HttpError } from './errors.ts';

/**
 * `/bff/labels`, the Labels screen (issue 13): every label with its session count, and create,
 * alter (rename, recolour through metadata.color, deprecate) and delete through FairCom's label
 * actions, which check the operator role themselves too (actions/roles.ts).
 */
export function labelsRouter(deps: BffDeps): express.Router {
  const router = express.Router();
  const idOf = (req: express.Request): number => parseWith(labelIdPath, req.params, 'query').id;

  router.get('/', async (req, res) => {
    // The dashboard shows every label with its colour (metadata.color) and description.
    res.json(await act(deps, req, 'listLabels', { includeDescription: true, includeMetadata: true }));
  });

  router.post('/', async (req, res) => {
    const body = parseWith(labelCreateBody, req.body, 'body');
    res.status(201).json(await act<LabelInfo>(deps, req, 'createLabel', body));
  });

  router.patch('/:id', async (req, res) => {
    const id = idOf(req);
    const body = parseWith(labelAlterBody, req.body, 'body');
    res.json(await act<LabelInfo>(deps, req, 'alterLabel', { id, ...body }));
  });

  router.delete('/:id', async (req, res) => {
    const r = await act<DeleteLabelResult>(deps, req, 'deleteLabel', { id: idOf(req) });
    if (!r.deleted) throw new HttpError(404, 'LABEL_NOT_FOUND', `no label has id ${req.params.id}`, 'id');
    res.json(r);
  });

  return router;
}
