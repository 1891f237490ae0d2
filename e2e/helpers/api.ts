// The JSON action API (POST /api) from the test process: arranges fixtures the browser then
// finds (labels, thresholds, MQ API sessions) and reads the server's view to check the UI's.
import assert from 'node:assert/strict';
import type { RunningServer } from './server';

export interface ActionResponse<T = unknown> {
  result: T;
  errorCode: number;
  errorMessage: string;
}

export interface JsonApi {
  run<T = unknown>(action: string, params?: Record<string, unknown>): Promise<ActionResponse<T>>;
  /** Runs an action and fails the test unless errorCode is 0. */
  ok<T = unknown>(action: string, params?: Record<string, unknown>): Promise<T>;
  describe(clientName: string): Promise<Record<string, unknown> & { stats?: Record<string, unknown> }>;
  /** Client names of a listMqSessions call, in the server's order. */
  listNames(params?: Record<string, unknown>): Promise<string[]>;
}

export async function jsonApi(server: RunningServer): Promise<JsonApi> {
  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(`${server.baseUrl}/api`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, `POST /api ${String(body.action)} answered HTTP ${res.status}`);
    return (await res.json()) as ActionResponse;
  };
  const login = await post({ action: 'createSession', params: { username: 'admin', password: server.adminPassword } });
  assert.equal(login.errorCode, 0, `createSession failed: ${login.errorMessage}`);
  const authToken = (login as unknown as { authToken?: string; result?: { authToken?: string } }).authToken ?? (login.result as { authToken?: string }).authToken;
  assert.ok(authToken, 'createSession returned no authToken');

  const api: JsonApi = {
    run: async <T>(action: string, params: Record<string, unknown> = {}) => (await post({ action, params, authToken })) as ActionResponse<T>,
    ok: async <T>(action: string, params: Record<string, unknown> = {}) => {
      const res = await api.run<T>(action, params);
      assert.equal(res.errorCode, 0, `${action} ${JSON.stringify(params)} failed: ${res.errorMessage}`);
      return res.result;
    },
    describe: async (clientName) => {
      const result = await api.ok<{ data: Array<Record<string, unknown>> }>('describeMqSessions', { clientNames: [clientName] });
      assert.ok(result.data[0], `describeMqSessions: no ${clientName}`);
      return result.data[0] as Record<string, unknown> & { stats?: Record<string, unknown> };
    },
    listNames: async (params = {}) => {
      const result = await api.ok<{ data: Array<{ clientName: string }> }>('listMqSessions', params);
      return result.data.map((row) => row.clientName);
    },
  };
  return api;
}
