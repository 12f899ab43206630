// Wire details that apps and infrastructure tools read directly, checked
// with plain JSON calls against examples/server (and the pools of
// lib/pools.json, applied through the server's -config).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Api, POOLS, poolsFile, uniqueName } from '../lib/server.js';
import { readFileSync } from 'node:fs';

let server;
let api;
before(async () => {
  server = await startServer();
  api = new Api(server.url);
});
after(async () => { await server?.stop(); });

test('GetUserPoolMfaConfig returns the SMS and email MFA settings as configured (no drift)', async () => {
  const declared = JSON.parse(readFileSync(poolsFile, 'utf8')).Pools.find((p) => p.Id === POOLS.mfa.id).MfaConfig;
  const got = await api.call('GetUserPoolMfaConfig', { UserPoolId: POOLS.mfa.id });
  assert.equal(got.MfaConfiguration, declared.MfaConfiguration);
  assert.deepEqual(got.SmsMfaConfiguration, declared.SmsMfaConfiguration);
  assert.deepEqual(got.EmailMfaConfiguration, declared.EmailMfaConfiguration);
  assert.deepEqual(got.SoftwareTokenMfaConfiguration, { Enabled: true });
});

test('InvalidPasswordException is worded "Password did not conform with policy: ..."', async () => {
  const cases = [
    ['Sh0rt', 'Password did not conform with policy: Password not long enough'],
    ['lowercase1', 'Password did not conform with policy: Password must have uppercase characters'],
    ['UPPERCASE1', 'Password did not conform with policy: Password must have lowercase characters'],
    ['NoDigitsHere', 'Password did not conform with policy: Password must have numeric characters'],
  ];
  for (const [password, message] of cases) {
    const r = await api.raw('SignUp', { ClientId: POOLS.plain.client, Username: uniqueName('weak'), Password: password,
      UserAttributes: [{ Name: 'email', Value: 'weak@example.com' }] });
    assert.equal(r.status, 400);
    assert.equal(r.body.__type, 'InvalidPasswordException');
    assert.equal(r.body.message, message);
  }
});
