import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginHref, safeRedirect } from '../redirect.ts';

test('a local path is kept, with its query', () => {
  assert.equal(safeRedirect('/sessions?health=unhealthy'), '/sessions?health=unhealthy');
  assert.equal(safeRedirect('/sessions/a%2Fb'), '/sessions/a%2Fb');
});

test('other sites, schemes and the login page fall back', () => {
  for (const bad of [null, '', 'https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '/login', '/login?redirect=/x'])
    assert.equal(safeRedirect(bad), '/sessions');
});

test('the login link carries where the user was', () => {
  assert.equal(loginHref('/sessions?page=2'), '/login?redirect=%2Fsessions%3Fpage%3D2');
  assert.equal(loginHref('/'), '/login');
});
