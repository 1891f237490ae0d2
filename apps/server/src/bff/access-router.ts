import express from 'express';
import {
  alterTopicPermissionSettingsParams, banTypes, createBanParams, createTopicPermissionParams,
  type BanType, type CreateBanResult, type DeleteBanResult, type DeleteTopicPermissionResult, type ListBansResult,
  type ListTopicPermissionsResult, type PreviewBanResult, type TopicPermission, type TopicPermissionSettings,
} from '@mqdash/contracts';
import { z } from 'zod';
import { act, parseWith, type BffDeps } from './context.ts';

const bansQuery = z.object({
  banType: z.enum(banTypes).optional(),
  partialValue: z.string().max(1024).optional(),
  skipRecords: z.coerce.number().pipe(z.int().min(0)).optional(),
  maxRecords: z.coerce.number().pipe(z.int().min(1).max(1000)).optional(),
});

/** `/bff/bans`: the ban list (issue 12): list, add (POST the createBan params), preview an add, remove by type and value. */
export function bansRouter(deps: BffDeps): express.Router {
  const router = express.Router();
  router.get('/', async (req, res) => {
    res.json(await act<ListBansResult>(deps, req, 'listBans', parseWith(bansQuery, req.query, 'query')));
  });
  router.post('/', async (req, res) => {
    res.status(201).json(await act<CreateBanResult>(deps, req, 'createBan', parseWith(createBanParams, req.body, 'body')));
  });
  // Issue 12: who the ban in the add form would hit, asked as the administrator types.
  router.post('/preview', async (req, res) => {
    res.json(await act<PreviewBanResult>(deps, req, 'previewBan', parseWith(createBanParams, req.body, 'body')));
  });
  // The value is percent-encoded in the path ("10.0.0.0%2F8"); Express decodes it.
  router.delete('/:banType/:value', async (req, res) => {
    const { banType, value } = req.params as { banType: BanType; value: string };
    res.json(await act<DeleteBanResult>(deps, req, 'deleteBan', { banType, value }));
  });
  return router;
}

/** `/bff/topic-permissions`: the rules in order with the default; add, remove, change the default (issue 12). */
export function topicPermissionsRouter(deps: BffDeps): express.Router {
  const router = express.Router();
  router.get('/', async (req, res) => {
    const username = typeof req.query.username === 'string' ? req.query.username : undefined;
    res.json(await act<ListTopicPermissionsResult>(deps, req, 'listTopicPermissions', username === undefined ? {} : { username }));
  });
  router.post('/', async (req, res) => {
    res.status(201).json(await act<TopicPermission>(deps, req, 'createTopicPermission', parseWith(createTopicPermissionParams, req.body, 'body')));
  });
  router.put('/settings', async (req, res) => {
    res.json(await act<TopicPermissionSettings>(deps, req, 'alterTopicPermissionSettings', parseWith(alterTopicPermissionSettingsParams, req.body, 'body')));
  });
  router.delete('/:permissionId', async (req, res) => {
    const permissionId = Number(req.params.permissionId);
    res.json(await act<DeleteTopicPermissionResult>(deps, req, 'deleteTopicPermission', { permissionId }));
  });
  return router;
}
