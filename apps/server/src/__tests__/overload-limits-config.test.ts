/**
 * Issue 10 overload limits as settings: MQTT_MAX_CONNECTIONS, MQTT_MAX_CONNECT_RATE,
 * MQTT_MAX_PUBLISH_RATE, MQTT_MAX_PUBLISH_BYTES_RATE, MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT and
 * MQTT_MAX_QUEUED_BYTES (or their flags): 0 by default (no limit), a bad value names the variable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../config.ts';

test('the overload limits come from the environment or flags, default 0, and a bad value names the variable', () => {
  const defaults = loadConfig([], {});
  assert.deepEqual(
    [defaults.mqttMaxConnections, defaults.mqttMaxConnectRate, defaults.mqttMaxPublishRate, defaults.mqttMaxPublishBytesRate, defaults.mqttMaxSubscriptionsPerClient, defaults.mqttMaxQueuedBytes],
    [0, 0, 0, 0, 0, 0],
  );
  const set = loadConfig(['--mqtt-max-publish-rate', '50'], {
    MQTT_MAX_CONNECTIONS: '10000', MQTT_MAX_CONNECT_RATE: '200', MQTT_MAX_PUBLISH_RATE: '10', MQTT_MAX_PUBLISH_BYTES_RATE: '65536',
    MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT: '100', MQTT_MAX_QUEUED_BYTES: '1048576',
  });
  assert.deepEqual(
    [set.mqttMaxConnections, set.mqttMaxConnectRate, set.mqttMaxPublishRate, set.mqttMaxPublishBytesRate, set.mqttMaxSubscriptionsPerClient, set.mqttMaxQueuedBytes],
    [10000, 200, 50, 65536, 100, 1048576],
  );
  assert.throws(() => loadConfig([], { MQTT_MAX_CONNECT_RATE: 'fast' }), /--mqtt-max-connect-rate \(MQTT_MAX_CONNECT_RATE\): .*number/);
  assert.throws(() => loadConfig([], { MQTT_MAX_QUEUED_BYTES: '-1' }), /--mqtt-max-queued-bytes \(MQTT_MAX_QUEUED_BYTES\): .*0/);
  assert.throws(() => loadConfig([], { MQTT_MAX_PUBLISH_BYTES_RATE: '1.5' }), /MQTT_MAX_PUBLISH_BYTES_RATE\): .*int/);
});
