import express from 'express';
import {
  retainedDeleteBody, retainedListQuery, retainedMessageQuery, type DeleteRetainedMessagesResult, type DescribeRetainedMessagesResult,
  type ListRetainedMessagesResult, type RetainedListPage, type RetainedMessageDetail,
} from '@mqdash/contracts';
import { act, parseWith, type BffDeps } from './context.ts';
import { HttpError } from './errors.ts';

/**
 * `/bff/retained`, the Retained screen (issue 14): a page of the retained messages a topic filter
 * matches, one message with its payload, and deleting one topic or every match of a filter
 * (`dryRun: true` counts first, for the confirmation).
 */
export function retainedRouter(deps: BffDeps): express.Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const q = parseWith(retainedListQuery, req.query, 'query');
    const r = await act<ListRetainedMessagesResult>(deps, req, 'listRetainedMessages', {
      topicFilter: q.topicFilter, skipRecords: (q.page - 1) * q.pageSize, maxRecords: q.pageSize,
    });
    res.json({ ...r, page: q.page, pageSize: q.pageSize } satisfies RetainedListPage);
  });

  router.get('/message', async (req, res) => {
    const q = parseWith(retainedMessageQuery, req.query, 'query');
    const r = await act<DescribeRetainedMessagesResult>(deps, req, 'describeRetainedMessages', { topics: [q.topic], binaryFormat: 'base64' });
    const m = r.data[0];
    if (!m) throw new HttpError(404, 'NOT_FOUND', `no retained message on topic ${JSON.stringify(q.topic)} (deleted, replaced by an empty one, or expired)`, 'topic');
    res.json(m satisfies RetainedMessageDetail);
  });

  router.post('/delete', async (req, res) => {
    const body = parseWith(retainedDeleteBody, req.body, 'body');
    res.json(await act<DeleteRetainedMessagesResult>(deps, req, 'deleteRetainedMessages', body));
  });

  return router;
}
