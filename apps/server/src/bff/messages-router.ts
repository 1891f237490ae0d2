import express from 'express';
import { publishBody, topicMessagesQuery, type GetMessagesFromMqTopicResult, type PublishMessagesToMqResult } from '@mqdash/contracts';
import { act, parseWith, warningHeader, type BffDeps } from './context.ts';

/**
 * Messages for the session detail's Messages tab: publish a test message as a session
 * (publishMessagesToMq) and peek at the newest messages kept for a topic (getMessagesFromMqTopic).
 */
export function messagesRouter(deps: BffDeps): express.Router {
  const router = express.Router();

  router.post('/sessions/:clientName/messages', async (req, res) => {
    const message = parseWith(publishBody, req.body, 'body');
    res.json(await act<PublishMessagesToMqResult>(deps, req, 'publishMessagesToMq', { clientName: String(req.params.clientName), messages: [message] }));
  });

  router.get('/topics/messages', async (req, res) => {
    const q = parseWith(topicMessagesQuery, req.query, 'query');
    const params = { topic: q.topic, startFrom: 'tail', maxMessages: q.maxMessages, binaryFormat: q.binaryFormat };
    res.json(await act<GetMessagesFromMqTopicResult>(deps, req, 'getMessagesFromMqTopic', params, (w) => res.set('X-Mqdash-Warning', warningHeader(w))));
  });

  return router;
}
