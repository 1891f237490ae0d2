import express from 'express';
import { mqttAuthSettingsBody, type AlterMqttAuthSettingsResult, type MqttAuthSettings } from '@mqdash/contracts';
import { act, parseWith, type BffDeps } from './context.ts';

/**
 * `/bff/mqtt-auth`: whether anonymous MQTT clients are allowed (issue 6). PUT stores the choice,
 * which wins over MQTT_ALLOW_ANONYMOUS from then on; switching it off disconnects the anonymous
 * clients connected now.
 */
export function mqttAuthRouter(deps: BffDeps): express.Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    res.json(await act<MqttAuthSettings>(deps, req, 'describeMqttAuthSettings', {}));
  });

  router.put('/', async (req, res) => {
    const body = parseWith(mqttAuthSettingsBody, req.body, 'body');
    res.json(await act<AlterMqttAuthSettingsResult>(deps, req, 'alterMqttAuthSettings', body));
  });

  return router;
}
