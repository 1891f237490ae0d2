/**
 * Issue 12 device authentication settings: MQTT_JWT_SECRET / MQTT_JWT_SECRET_FILE /
 * MQTT_JWT_JWKS_FILE / MQTT_JWT_USERNAME_CLAIM / MQTT_JWT_ACL_CLAIM and MQTT_AUTH_HTTP_URL /
 * MQTT_AUTH_HTTP_TIMEOUT_MS / MQTT_AUTH_HTTP_CACHE_SECONDS: defaults, and a bad value names the variable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../config.ts';

const SECRET = 'x'.repeat(32);

test('device authentication settings: defaults, values, and errors that name the variable', () => {
  const defaults = loadConfig([], {});
  assert.deepEqual(
    [defaults.mqttJwtSecret, defaults.mqttJwtJwksFile, defaults.mqttJwtUsernameClaim, defaults.mqttJwtAclClaim, defaults.mqttAuthHttpUrl, defaults.mqttAuthHttpTimeoutMs, defaults.mqttAuthHttpCacheSeconds],
    [undefined, undefined, 'sub', 'acl', undefined, 5000, 60],
  );
  const set = loadConfig(['--mqtt-jwt-username-claim', 'device_id'], {
    MQTT_JWT_SECRET: SECRET, MQTT_JWT_JWKS_FILE: '/etc/mqdash/jwks.json', MQTT_JWT_ACL_CLAIM: 'permissions',
    MQTT_AUTH_HTTP_URL: 'http://127.0.0.1:9000/auth', MQTT_AUTH_HTTP_TIMEOUT_MS: '250', MQTT_AUTH_HTTP_CACHE_SECONDS: '0',
  });
  assert.deepEqual(
    [set.mqttJwtSecret, set.mqttJwtJwksFile, set.mqttJwtUsernameClaim, set.mqttJwtAclClaim, set.mqttAuthHttpUrl, set.mqttAuthHttpTimeoutMs, set.mqttAuthHttpCacheSeconds],
    [SECRET, '/etc/mqdash/jwks.json', 'device_id', 'permissions', 'http://127.0.0.1:9000/auth', 250, 0],
  );
  assert.throws(() => loadConfig([], { MQTT_JWT_SECRET: 'short' }), /--mqtt-jwt-secret \(MQTT_JWT_SECRET\): must be at least 32 characters/);
  assert.throws(() => loadConfig([], { MQTT_JWT_SECRET: SECRET, MQTT_JWT_SECRET_FILE: '/s' }), /\(MQTT_JWT_SECRET_FILE\): set either MQTT_JWT_SECRET or MQTT_JWT_SECRET_FILE/);
  assert.throws(() => loadConfig([], { MQTT_AUTH_HTTP_URL: 'ftp://example.com/x' }), /\(MQTT_AUTH_HTTP_URL\): must be an http/);
  assert.throws(() => loadConfig([], { MQTT_AUTH_HTTP_URL: 'not a url' }), /\(MQTT_AUTH_HTTP_URL\): must be an http/);
  assert.throws(() => loadConfig([], { MQTT_AUTH_HTTP_TIMEOUT_MS: '10' }), /\(MQTT_AUTH_HTTP_TIMEOUT_MS\): .*100/);
  assert.throws(() => loadConfig([], { MQTT_AUTH_HTTP_CACHE_SECONDS: 'forever' }), /\(MQTT_AUTH_HTTP_CACHE_SECONDS\): .*number/);
});
