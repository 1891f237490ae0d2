import express from 'express';
import { retentionPolicyBody, retentionPreviewBody, type RetentionPolicyInfo, type RetentionPreview } from '@mqdash/contracts';
import { act, parseWith, type BffDeps } from './context.ts';

/** `/bff/retention`, Settings → Retention: the policy, a change to it, and the dry run. */
export function retentionRouter(deps: BffDeps): express.Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    res.json(await act<RetentionPolicyInfo>(deps, req, 'describeRetentionPolicy', {}));
  });

  router.put('/', async (req, res) => {
    const body = parseWith(retentionPolicyBody, req.body, 'body');
    res.json(await act<RetentionPolicyInfo>(deps, req, 'alterRetentionPolicy', body));
  });

  router.post('/preview', async (req, res) => {
    const body = parseWith(retentionPreviewBody, req.body, 'body');
    res.json(await act<RetentionPreview>(deps, req, 'previewRetention', body));
  });

  return router;
}
