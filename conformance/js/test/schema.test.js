// The pool's schema as aws-amplify v6 and amazon-cognito-identity-js meet
// it: a custom attribute added with AddCustomAttributes is written and
// read back; an undeclared custom attribute, a malformed email and a
// value over its declared length are refused as Cognito refuses them.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import { signIn, signOut, signUp, updateUserAttributes, fetchUserAttributes } from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { CognitoUserPool, CognitoUserAttribute } from 'amazon-cognito-identity-js';
import { startServer, Api, POOLS, uniqueName } from '../lib/server.js';

const PASSWORD = 'Correct-horse1';
let server;
let api;

before(async () => {
  server = await startServer();
  api = new Api(server.url);
  await api.call('AddCustomAttributes', {
    UserPoolId: POOLS.plain.id,
    CustomAttributes: [{ Name: 'tier', AttributeDataType: 'String', StringAttributeConstraints: { MaxLength: '8' } }],
  });
});
after(async () => { await server?.stop(); });
afterEach(async () => {
  try { await signOut(); } catch { /* not signed in */ }
});

class MemoryStorage {
  constructor() { this.items = new Map(); }
  async setItem(k, v) { this.items.set(k, v); }
  async getItem(k) { return this.items.has(k) ? this.items.get(k) : null; }
  async removeItem(k) { this.items.delete(k); }
  async clear() { this.items.clear(); }
}

function usePlain() {
  Amplify.configure({
    Auth: { Cognito: { userPoolId: POOLS.plain.id, userPoolClientId: POOLS.plain.client, userPoolEndpoint: server.url,
      signUpVerificationMethod: 'code' } },
  });
  cognitoUserPoolsTokenProvider.setKeyValueStorage(new MemoryStorage());
}

test('AddCustomAttributes refuses a second declaration of the same name', async () => {
  const r = await api.raw('AddCustomAttributes', {
    UserPoolId: POOLS.plain.id, CustomAttributes: [{ Name: 'tier', AttributeDataType: 'String' }],
  });
  assert.equal(r.status, 400);
  assert.equal(r.body.__type, 'InvalidParameterException');
  assert.equal(r.body.message, 'custom:tier: Existing attribute already has name custom:tier.');
  const d = await api.call('DescribeUserPool', { UserPoolId: POOLS.plain.id });
  const tier = d.UserPool.SchemaAttributes.find((a) => a.Name === 'custom:tier');
  assert.equal(tier.StringAttributeConstraints.MaxLength, '8');
  assert.ok(d.UserPool.SchemaAttributes.find((a) => a.Name === 'sub' && a.Mutable === false && a.Required === true));
});

test('Amplify signUp with an undeclared custom attribute or a malformed email is refused', async () => {
  usePlain();
  const name = uniqueName('schema');
  await assert.rejects(
    signUp({ username: name, password: PASSWORD, options: { userAttributes: { email: `${name}@example.com`, 'custom:nope': '1' } } }),
    (e) => e.name === 'InvalidParameterException'
      && e.message === 'Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.');
  await assert.rejects(
    signUp({ username: name, password: PASSWORD, options: { userAttributes: { email: 'not-an-email' } } }),
    (e) => e.name === 'InvalidParameterException' && e.message === 'Invalid email address format.');
  const up = await signUp({ username: name, password: PASSWORD, options: { userAttributes: { email: `${name}@example.com`, 'custom:tier': 'gold' } } });
  assert.equal(up.nextStep.signUpStep, 'CONFIRM_SIGN_UP');
});

test('Amplify updateUserAttributes writes a declared custom attribute within its length', async () => {
  const name = uniqueName('schema2');
  await api.user(POOLS.plain.id, name, PASSWORD);
  usePlain();
  const r = await signIn({ username: name, password: PASSWORD });
  assert.equal(r.isSignedIn, true);
  await updateUserAttributes({ userAttributes: { 'custom:tier': 'gold' } });
  assert.equal((await fetchUserAttributes())['custom:tier'], 'gold');
  await assert.rejects(updateUserAttributes({ userAttributes: { 'custom:tier': 'platinum+' } }),
    (e) => e.name === 'InvalidParameterException'
      && e.message === 'Attributes did not conform to the schema: custom:tier: String must be no longer than 8 characters');
  await assert.rejects(updateUserAttributes({ userAttributes: { 'custom:nope': 'x' } }),
    (e) => e.name === 'InvalidParameterException');
  assert.equal((await fetchUserAttributes())['custom:tier'], 'gold');
});

test('amazon-cognito-identity-js signUp with an undeclared custom attribute is refused', async () => {
  const pool = new CognitoUserPool({ UserPoolId: POOLS.plain.id, ClientId: POOLS.plain.client, endpoint: server.url });
  const name = uniqueName('schema3');
  const err = await new Promise((resolve) => pool.signUp(name, PASSWORD, [
    new CognitoUserAttribute({ Name: 'email', Value: `${name}@example.com` }),
    new CognitoUserAttribute({ Name: 'custom:nope', Value: '1' }),
  ], null, (e) => resolve(e)));
  assert.ok(err, 'refused');
  assert.equal(err.code, 'InvalidParameterException');
  assert.equal(err.message, 'Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.');
});
