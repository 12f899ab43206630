// amazon-cognito-identity-js, unmodified, against examples/server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoUserPool, CognitoUser, AuthenticationDetails, CognitoUserAttribute, CognitoRefreshToken,
} from 'amazon-cognito-identity-js';
import { startServer, Api, POOLS, uniqueName, CUSTOM_ANSWER } from '../lib/server.js';
import { MemoryStorage, step, withCode, nodeback, Authenticator, payload } from '../lib/helpers.js';

const PASSWORD = 'Correct-horse1';
let server;
let api;

before(async () => {
  server = await startServer();
  api = new Api(server.url);
});
after(async () => { await server?.stop(); });

// browser is one simulated browser for a pool: its own storage, so device
// keys survive between sign-ins as they do in localStorage.
function browser(poolName) {
  const storage = new MemoryStorage();
  const pool = new CognitoUserPool({ UserPoolId: POOLS[poolName].id, ClientId: POOLS[poolName].client, endpoint: server.url, Storage: storage });
  return {
    pool,
    storage,
    user: (username) => new CognitoUser({ Username: username, Pool: pool, Storage: storage }),
  };
}

function details(username, password = PASSWORD) {
  return new AuthenticationDetails({ Username: username, Password: password });
}

// signIn runs authenticateUser and resolves with the first callback.
function signIn(user, password = PASSWORD) {
  return step((cb) => user.authenticateUser(details(user.getUsername(), password), cb));
}

function assertSuccess(r) {
  assert.equal(r.kind, 'onSuccess', `expected tokens, got ${r.kind}: ${r.args[0]?.code ?? ''} ${r.args[0]?.message ?? JSON.stringify(r.args)}`);
  const session = r.args[0];
  assert.ok(session.isValid());
  return session;
}

// totpUser creates a user and gives them a verified software token, through
// the library's own associateSoftwareToken / verifySoftwareToken.
// The setup signs in from a browser of its own, so the browser a test then
// uses is a new device.
async function totpUser(b, username, preferred = true) {
  await api.user(POOLS[b.poolName].id, username, PASSWORD);
  const u = browserFor(b.poolName).user(username);
  assertSuccess(await signIn(u));
  const assoc = await step((cb) => u.associateSoftwareToken(cb));
  assert.equal(assoc.kind, 'associateSecretCode');
  const auth = new Authenticator(assoc.args[0]);
  const verified = await withCode(await auth.code(), (c) => (cb) => u.verifySoftwareToken(c, 'phone app', cb));
  assert.equal(verified.kind, 'onSuccess', JSON.stringify(verified.args[0]?.message));
  if (preferred) {
    await nodeback((cb) => u.setUserMfaPreference(null, { PreferredMfa: true, Enabled: true }, cb));
  }
  return { auth, user: u };
}

function browserFor(poolName) {
  const b = browser(poolName);
  b.poolName = poolName;
  return b;
}

test('USER_SRP_AUTH signs in; a wrong password is refused with Cognito\'s message', async () => {
  const b = browserFor('plain');
  const name = uniqueName('srp');
  await api.user(POOLS.plain.id, name, PASSWORD);
  const session = assertSuccess(await signIn(b.user(name)));
  assert.equal(payload(session.getAccessToken().getJwtToken()).username, name);
  assert.equal(session.getIdToken().decodePayload()['cognito:username'], name);
  const bad = await signIn(b.user(name), 'Wrong-horse1');
  assert.equal(bad.kind, 'onFailure');
  assert.equal(bad.args[0].code, 'NotAuthorizedException');
  assert.equal(bad.args[0].message, 'Incorrect username or password.');
});

test('USER_PASSWORD_AUTH signs in', async () => {
  const b = browserFor('plain');
  const name = uniqueName('pw');
  await api.user(POOLS.plain.id, name, PASSWORD);
  const u = b.user(name);
  u.setAuthenticationFlowType('USER_PASSWORD_AUTH');
  assertSuccess(await signIn(u));
  // On the wire, tokens come with an empty ChallengeParameters, as Cognito's do.
  const raw = await api.raw('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: POOLS.plain.client,
    AuthParameters: { USERNAME: name, PASSWORD } });
  assert.equal(raw.status, 200);
  assert.deepEqual(raw.body.ChallengeParameters, {});
  assert.ok(raw.body.AuthenticationResult.AccessToken);
});

test('CUSTOM_AUTH without and with SRP runs the custom challenge', async () => {
  const b = browserFor('plain');
  const name = uniqueName('custom');
  await api.user(POOLS.plain.id, name, PASSWORD);
  // Without SRP: initiateAuth with the custom flow.
  const u = b.user(name);
  u.setAuthenticationFlowType('CUSTOM_AUTH');
  let r = await step((cb) => u.initiateAuth(new AuthenticationDetails({ Username: name }), cb));
  assert.equal(r.kind, 'customChallenge');
  assert.equal(r.args[0].question, 'What is the answer to the demo question?');
  r = await step((cb) => u.sendCustomChallengeAnswer('wrong', cb));
  assert.equal(r.kind, 'onFailure');
  assert.equal(r.args[0].code, 'NotAuthorizedException');
  r = await step((cb) => u.initiateAuth(new AuthenticationDetails({ Username: name }), cb));
  r = await step((cb) => u.sendCustomChallengeAnswer(CUSTOM_ANSWER, cb));
  assertSuccess(r);
  // With SRP: authenticateUser in CUSTOM_AUTH sends SRP_A, answers
  // PASSWORD_VERIFIER, then the custom challenge follows.
  const v = b.user(name);
  v.setAuthenticationFlowType('CUSTOM_AUTH');
  r = await signIn(v);
  assert.equal(r.kind, 'customChallenge');
  assertSuccess(await step((cb) => v.sendCustomChallengeAnswer(CUSTOM_ANSWER, cb)));
});

test('NEW_PASSWORD_REQUIRED: an invited user chooses a password', async () => {
  const b = browserFor('plain');
  const name = uniqueName('invited');
  await api.user(POOLS.plain.id, name, null);
  const u = b.user(name);
  let r = await signIn(u, 'Temp-pass1!');
  assert.equal(r.kind, 'newPasswordRequired');
  assert.equal(r.args[0].email, `${name}@example.com`);
  r = await step((cb) => u.completeNewPasswordChallenge('short', {}, cb));
  assert.equal(r.kind, 'onFailure');
  assert.equal(r.args[0].code, 'InvalidPasswordException');
  r = await step((cb) => u.completeNewPasswordChallenge('New-password1', {}, cb));
  assertSuccess(r);
  assertSuccess(await signIn(b.user(name), 'New-password1'));
});

test('SOFTWARE_TOKEN_MFA: TOTP set up with the library, then a TOTP sign-in', async () => {
  const b = browserFor('mfa');
  const name = uniqueName('totp');
  const { auth } = await totpUser(b, name);
  const u = b.user(name);
  let r = await signIn(u);
  assert.equal(r.kind, 'totpRequired');
  r = await step((cb) => u.sendMFACode('000000', cb, 'SOFTWARE_TOKEN_MFA'));
  assert.equal(r.kind, 'onFailure');
  assert.equal(r.args[0].code, 'CodeMismatchException');
  r = await withCode(await auth.code(), (c) => (cb) => u.sendMFACode(c, cb, 'SOFTWARE_TOKEN_MFA'));
  assertSuccess(r);
});

test('SMS_MFA: the code from the outbox signs in', async () => {
  const b = browserFor('mfa');
  const name = uniqueName('sms');
  await api.user(POOLS.mfa.id, name, PASSWORD, { phone_number: '+15555550100', phone_number_verified: 'true' });
  await api.call('AdminSetUserMFAPreference', { UserPoolId: POOLS.mfa.id, Username: name,
    SMSMfaSettings: { Enabled: true, PreferredMfa: true } });
  const u = b.user(name);
  const since = Date.now() - 1000;
  let r = await signIn(u);
  assert.equal(r.kind, 'mfaRequired');
  assert.equal(r.args[0], 'SMS_MFA');
  assert.equal(r.args[1].CODE_DELIVERY_DELIVERY_MEDIUM, 'SMS');
  const code = await api.code(POOLS.mfa.id, name, 'MFA', since);
  r = await step((cb) => u.sendMFACode(code, cb));
  assertSuccess(r);
});

test('SELECT_MFA_TYPE: a user with SMS and TOTP and no preference chooses TOTP', async () => {
  const b = browserFor('mfa');
  const name = uniqueName('select');
  const { auth } = await totpUser(b, name, false);
  await api.call('AdminUpdateUserAttributes', { UserPoolId: POOLS.mfa.id, Username: name,
    UserAttributes: [{ Name: 'phone_number', Value: '+15555550101' }, { Name: 'phone_number_verified', Value: 'true' }] });
  await api.call('AdminSetUserMFAPreference', { UserPoolId: POOLS.mfa.id, Username: name,
    SMSMfaSettings: { Enabled: true, PreferredMfa: false }, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false } });
  const u = b.user(name);
  let r = await signIn(u);
  assert.equal(r.kind, 'selectMFAType');
  assert.deepEqual(JSON.parse(r.args[1].MFAS_CAN_CHOOSE).sort(), ['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
  r = await step((cb) => u.sendMFASelectionAnswer('SOFTWARE_TOKEN_MFA', cb));
  assert.equal(r.kind, 'totpRequired');
  assertSuccess(await withCode(await auth.code(), (c) => (cb) => u.sendMFACode(c, cb, 'SOFTWARE_TOKEN_MFA')));
});

test('MFA_SETUP: a pool with MFA ON makes a new user set up TOTP inside the sign-in', async () => {
  const b = browserFor('mfaOn');
  const name = uniqueName('setup');
  await api.user(POOLS.mfaOn.id, name, PASSWORD);
  const u = b.user(name);
  let r = await signIn(u);
  assert.equal(r.kind, 'mfaSetup');
  assert.deepEqual(JSON.parse(r.args[1].MFAS_CAN_SETUP), ['SOFTWARE_TOKEN_MFA']);
  r = await step((cb) => u.associateSoftwareToken(cb));
  assert.equal(r.kind, 'associateSecretCode');
  const auth = new Authenticator(r.args[0]);
  r = await withCode(await auth.code(), (c) => (cb) => u.verifySoftwareToken(c, 'phone app', cb));
  assertSuccess(r);
  // The token is the user's factor from now on.
  const v = b.user(name);
  r = await signIn(v);
  assert.equal(r.kind, 'totpRequired');
  assertSuccess(await withCode(await auth.code(), (c) => (cb) => v.sendMFACode(c, cb, 'SOFTWARE_TOKEN_MFA')));
});

test('confirmed, NOT remembered device with TOTP: MFA first, then DEVICE_SRP_AUTH (issue 13)', async () => {
  const b = browserFor('devices');
  const name = uniqueName('dev');
  const { auth } = await totpUser(b, name);
  // The first MFA sign-in gets NewDeviceMetadata; the library confirms the
  // device itself. The pool remembers only on the user's prompt.
  const u = b.user(name);
  let r = await signIn(u);
  assert.equal(r.kind, 'totpRequired');
  r = await withCode(await auth.code(), (c) => (cb) => u.sendMFACode(c, cb, 'SOFTWARE_TOKEN_MFA'));
  assertSuccess(r);
  assert.equal(r.args[1], true, 'UserConfirmationNecessary');
  const key = payload(r.args[0].getAccessToken().getJwtToken()).device_key;
  const devices = await api.call('AdminListDevices', { UserPoolId: POOLS.devices.id, Username: name });
  assert.ok(devices.Devices.some((d) => d.DeviceKey === key), 'the library confirmed the device');
  // Next sign-in, same browser: the library sends DEVICE_KEY; the server
  // asks for TOTP, then the library answers DEVICE_SRP_AUTH and
  // DEVICE_PASSWORD_VERIFIER by itself and reads the tokens.
  const v = b.user(name);
  r = await signIn(v);
  assert.equal(r.kind, 'totpRequired', 'MFA comes before the device step');
  r = await withCode(await auth.code(), (c) => (cb) => v.sendMFACode(c, cb, 'SOFTWARE_TOKEN_MFA'));
  const session = assertSuccess(r);
  assert.equal(payload(session.getAccessToken().getJwtToken()).device_key, key);
  // Remembered (the user's prompt): the device replaces MFA.
  await nodeback((cb) => v.setDeviceStatusRemembered({ onSuccess: (x) => cb(null, x), onFailure: cb }));
  const w = b.user(name);
  r = await signIn(w);
  const s2 = assertSuccess(r);
  assert.equal(payload(s2.getAccessToken().getJwtToken()).device_key, key);
  // Not remembered again: MFA is back.
  await nodeback((cb) => w.setDeviceStatusNotRemembered({ onSuccess: (x) => cb(null, x), onFailure: cb }));
  r = await signIn(b.user(name));
  assert.equal(r.kind, 'totpRequired');
});

test('confirmed, not remembered device without MFA: DEVICE_SRP_AUTH right after the password', async () => {
  const b = browserFor('devices');
  const name = uniqueName('dev-nomfa');
  await api.user(POOLS.devices.id, name, PASSWORD);
  let r = await signIn(b.user(name));
  const first = assertSuccess(r);
  assert.equal(r.args[1], true, 'UserConfirmationNecessary: remembered only on the user\'s prompt');
  const key = payload(first.getAccessToken().getJwtToken()).device_key;
  const status = await api.call('AdminGetDevice', { UserPoolId: POOLS.devices.id, Username: name, DeviceKey: key });
  assert.ok(status.Device.DeviceAttributes.some((a) => a.Name === 'device_remembered_status' && a.Value === 'not_remembered'));
  r = await signIn(b.user(name));
  const again = assertSuccess(r);
  assert.equal(payload(again.getAccessToken().getJwtToken()).device_key, key, 'the same device proved itself');
});

test('remembered device without MFA: DEVICE_SRP_AUTH after the password; listDevices, getDevice, forgetDevice', async () => {
  const b = browserFor('remembered');
  const name = uniqueName('remember');
  await api.user(POOLS.remembered.id, name, PASSWORD);
  let r = await signIn(b.user(name));
  assertSuccess(r);
  assert.equal(r.args[1], undefined, 'remembered at once: no confirmation necessary');
  const u = b.user(name);
  const session = assertSuccess(await signIn(u));
  const key = payload(session.getAccessToken().getJwtToken()).device_key;
  assert.ok(key, 'the device proved itself: its key is in the access token');
  const list = await nodeback((cb) => u.listDevices(10, null, { onSuccess: (x) => cb(null, x), onFailure: cb }));
  assert.equal(list.Devices.length, 1);
  assert.equal(list.Devices[0].DeviceKey, key);
  const got = await nodeback((cb) => u.getDevice({ onSuccess: (x) => cb(null, x), onFailure: cb }));
  assert.equal(got.Device.DeviceKey, key);
  await nodeback((cb) => u.forgetDevice({ onSuccess: (x) => cb(null, x), onFailure: cb }));
  const after = await api.call('AdminListDevices', { UserPoolId: POOLS.remembered.id, Username: name });
  assert.equal(after.Devices.length, 0);
});

test('remembered device with TOTP: the device replaces MFA', async () => {
  const b = browserFor('remembered');
  const name = uniqueName('remember-mfa');
  const { auth } = await totpUser(b, name);
  const u = b.user(name);
  let r = await signIn(u);
  assert.equal(r.kind, 'totpRequired');
  assertSuccess(await withCode(await auth.code(), (c) => (cb) => u.sendMFACode(c, cb, 'SOFTWARE_TOKEN_MFA')));
  r = await signIn(b.user(name));
  assertSuccess(r);
});

test('refreshSession, global sign-out and token revocation', async () => {
  const b = browserFor('plain');
  const name = uniqueName('refresh');
  await api.user(POOLS.plain.id, name, PASSWORD);
  const u = b.user(name);
  const session = assertSuccess(await signIn(u));
  const refreshed = await nodeback((cb) => u.refreshSession(session.getRefreshToken(), cb));
  assert.ok(refreshed.isValid());
  assert.equal(payload(refreshed.getAccessToken().getJwtToken()).username, name);
  // signOut revokes the refresh token (RevokeToken): it no longer refreshes.
  await new Promise((resolve) => u.signOut(resolve, true));
  await assert.rejects(nodeback((cb) => b.user(name).refreshSession(new CognitoRefreshToken({ RefreshToken: session.getRefreshToken().getToken() }), cb)),
    (e) => e.code === 'NotAuthorizedException');
  // globalSignOut invalidates the access token.
  const v = b.user(name);
  const s2 = assertSuccess(await signIn(v));
  await nodeback((cb) => v.globalSignOut({ onSuccess: (x) => cb(null, x), onFailure: cb }));
  const got = await api.raw('GetUser', { AccessToken: s2.getAccessToken().getJwtToken() });
  assert.equal(got.body.__type, 'NotAuthorizedException');
});

test('sign-up, confirmation code from the outbox, then sign-in; resend code', async () => {
  const b = browserFor('plain');
  const name = uniqueName('signup');
  const since = Date.now() - 1000;
  const res = await nodeback((cb) => b.pool.signUp(name, PASSWORD, [new CognitoUserAttribute({ Name: 'email', Value: `${name}@example.com` })], null, cb));
  assert.equal(res.userConfirmed, false);
  assert.equal(res.codeDeliveryDetails.DeliveryMedium, 'EMAIL');
  const u = b.user(name);
  let r = await signIn(u);
  assert.equal(r.kind, 'onFailure');
  assert.equal(r.args[0].code, 'UserNotConfirmedException');
  await nodeback((cb) => u.resendConfirmationCode(cb));
  const code = await api.code(POOLS.plain.id, name, 'SIGN_UP', since);
  await assert.rejects(nodeback((cb) => u.confirmRegistration('000000', true, cb)), (e) => e.code === 'CodeMismatchException');
  await nodeback((cb) => u.confirmRegistration(code, true, cb));
  assertSuccess(await signIn(b.user(name)));
});

test('user operations served today: attributes, user data, change and forgotten password', async () => {
  const b = browserFor('plain');
  const name = uniqueName('ops');
  await api.user(POOLS.plain.id, name, PASSWORD, { name: 'Ops' });
  const u = b.user(name);
  assertSuccess(await signIn(u));
  const attrs = await nodeback((cb) => u.getUserAttributes(cb));
  const byName = Object.fromEntries(attrs.map((a) => [a.getName(), a.getValue()]));
  assert.equal(byName.email, `${name}@example.com`);
  assert.equal(byName.name, 'Ops');
  assert.ok(byName.sub);
  const data = await nodeback((cb) => u.getUserData(cb, { bypassCache: true }));
  assert.equal(data.Username, name);
  // Change the password, then forget it and reset it with the emailed code.
  await assert.rejects(nodeback((cb) => u.changePassword('Wrong-pass1', 'Changed-pass1', cb)), (e) => e.code === 'NotAuthorizedException');
  await nodeback((cb) => u.changePassword(PASSWORD, 'Changed-pass1', cb));
  assertSuccess(await signIn(b.user(name), 'Changed-pass1'));
  const since = Date.now() - 1000;
  const f = b.user(name);
  const forgot = await new Promise((resolve, reject) => f.forgotPassword({ onSuccess: resolve, onFailure: reject, inputVerificationCode: resolve }));
  assert.equal(forgot.CodeDeliveryDetails.DeliveryMedium, 'EMAIL');
  const reset = await api.code(POOLS.plain.id, name, 'FORGOT_PASSWORD', since);
  await new Promise((resolve, reject) => f.confirmPassword(reset, 'Reset-pass1', { onSuccess: resolve, onFailure: reject }));
  assertSuccess(await signIn(b.user(name), 'Reset-pass1'));
});

test('user operations: update, verify and delete attributes, delete the user', async () => {
  const b = browserFor('plain');
  const name = uniqueName('ops2');
  await api.user(POOLS.plain.id, name, PASSWORD);
  const u = b.user(name);
  assertSuccess(await signIn(u));
  const since = Date.now() - 1000;
  await nodeback((cb) => u.updateAttributes([new CognitoUserAttribute({ Name: 'email', Value: `${name}@example.org` }),
    new CognitoUserAttribute({ Name: 'name', Value: 'Ops' })], cb));
  const code = await api.code(POOLS.plain.id, name, '', since);
  await nodeback((cb) => u.verifyAttribute('email', code, { onSuccess: (x) => cb(null, x), onFailure: cb }));
  const data = await nodeback((cb) => u.getUserData(cb, { bypassCache: true }));
  assert.equal(data.UserAttributes.find((a) => a.Name === 'email').Value, `${name}@example.org`);
  assert.equal(data.UserAttributes.find((a) => a.Name === 'email_verified').Value, 'true');
  await nodeback((cb) => u.deleteAttributes(['name'], cb));
  await nodeback((cb) => u.deleteUser(cb));
  const gone = await signIn(b.user(name));
  assert.equal(gone.kind, 'onFailure');
  assert.equal(gone.args[0].code, 'UserNotFoundException');
});
