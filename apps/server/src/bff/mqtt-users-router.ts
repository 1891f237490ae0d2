import express from 'express';
import {
  createMqttUserParams, mqttUserPatchBody, type DeleteMqttUserResult, type MqttUserChangeResult, type MqttUserInfo,
} from '@mqdash/contracts';
import { act, parseWith, type BffDeps } from './context.ts';

/**
 * `/bff/mqtt-users`: the settings page's MQTT client accounts (issue 6). Passwords go in (POST,
 * PATCH) and never come out; the router answers `Cache-Control: no-store` like every /bff route.
 * Disabling or deleting an account disconnects its clients (alterMqttUser, deleteMqttUser).
 */
export function mqttUsersRouter(deps: BffDeps): express.Router {
  const router = express.Router();
  // Express decodes the segment, so a name with "/" or spaces arrives whole when percent-encoded.
  const usernameOf = (req: express.Request) => String(req.params.username);

  router.get('/', async (req, res) => {
    res.json(await act<{ data: MqttUserInfo[] }>(deps, req, 'listMqttUsers', {}));
  });

  router.post('/', async (req, res) => {
    const body = parseWith(createMqttUserParams, req.body, 'body');
    res.status(201).json(await act<MqttUserInfo>(deps, req, 'createMqttUser', body));
  });

  router.patch('/:username', async (req, res) => {
    const body = parseWith(mqttUserPatchBody, req.body, 'body');
    res.json(await act<MqttUserChangeResult>(deps, req, 'alterMqttUser', { ...body, username: usernameOf(req) }));
  });

  router.delete('/:username', async (req, res) => {
    res.json(await act<DeleteMqttUserResult>(deps, req, 'deleteMqttUser', { username: usernameOf(req) }));
  });

  return router;
}
