// aws-amplify v6 (Auth category), unmodified, against examples/server.
// Amplify is a process-wide singleton: the tests run one after the other,
// each configures the pool it uses and signs out at the end. A "browser"
// is an in-memory key-value storage for the token provider; a new one is
// a new device.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import {
  signIn, signOut, confirmSignIn, signUp, confirmSignUp, autoSignIn, resendSignUpCode, fetchAuthSession,
  getCurrentUser, fetchUserAttributes, updatePassword, resetPassword, confirmResetPassword, setUpTOTP,
  verifyTOTPSetup, updateMFAPreference, fetchMFAPreference, fetchDevices, rememberDevice, forgetDevice,
  updateUserAttributes, confirmUserAttribute, sendUserAttributeVerificationCode, deleteUserAttributes, deleteUser,
  listWebAuthnCredentials, associateWebAuthnCredential, deleteWebAuthnCredential,
} from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { startServer, Api, POOLS, uniqueName, CUSTOM_ANSWER } from '../lib/server.js';
import { Authenticator, payload } from '../lib/helpers.js';
import { SoftwareAuthenticator } from '../lib/authenticator.js';

// Amplify names a new device from navigator.userAgent before ConfirmDevice;
// Node 20 has no navigator, and Amplify then silently skips ConfirmDevice
// (see SPEC-NOTES.md). A browser's navigator, as Amplify expects.
if (typeof globalThis.navigator === 'undefined') {
  globalThis.navigator = { userAgent: 'Mozilla/5.0 (authflow conformance; Node.js)' };
}

const PASSWORD = 'Correct-horse1';
let server;
let api;

before(async () => {
  server = await startServer();
  api = new Api(server.url);
});
after(async () => { await server?.stop(); });
afterEach(async () => {
  try { await signOut(); } catch { /* not signed in */ }
});

// KeyValueStorage is Amplify's storage interface, in memory.
class KeyValueStorage {
  constructor() { this.items = new Map(); }
  async setItem(k, v) { this.items.set(k, v); }
  async getItem(k) { return this.items.has(k) ? this.items.get(k) : null; }
  async removeItem(k) { this.items.delete(k); }
  async clear() { this.items.clear(); }
}

// use configures Amplify for a pool with a new browser (or the one given)
// and returns the browser.
function use(poolName, storage = new KeyValueStorage()) {
  Amplify.configure({
    Auth: { Cognito: { userPoolId: POOLS[poolName].id, userPoolClientId: POOLS[poolName].client, userPoolEndpoint: server.url,
      signUpVerificationMethod: 'code' } },
  });
  cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
  return storage;
}

// Amplify debounces autoSignIn for 300 ms across calls: a second call
// within that time is dropped and its promise never settles (SPEC-NOTES.md).
function autoSignInDebounce() {
  return new Promise((r) => setTimeout(r, 350));
}

async function accessToken() {
  const s = await fetchAuthSession();
  return s.tokens.accessToken;
}

function assertDone(r) {
  assert.equal(r.nextStep.signInStep, 'DONE', JSON.stringify(r.nextStep));
  assert.equal(r.isSignedIn, true);
}

// totpUser creates a user with a verified software token (setUpTOTP,
// verifyTOTPSetup, updateMFAPreference), from a browser of its own.
async function totpUser(poolName, username) {
  await api.user(POOLS[poolName].id, username, PASSWORD);
  use(poolName);
  assertDone(await signIn({ username, password: PASSWORD }));
  const details = await setUpTOTP();
  assert.match(details.getSetupUri('authflow').href, /^otpauth:\/\/totp\//);
  const auth = new Authenticator(details.sharedSecret);
  await verifyTOTPSetup({ code: await auth.code(), options: { friendlyDeviceName: 'phone app' } });
  await updateMFAPreference({ totp: 'PREFERRED' });
  const pref = await fetchMFAPreference();
  assert.equal(pref.preferred, 'TOTP');
  assert.deepEqual(pref.enabled, ['TOTP']);
  await signOut();
  return auth;
}

test('USER_SRP_AUTH (the default) and USER_PASSWORD_AUTH sign in; getCurrentUser; a wrong password', async () => {
  const name = uniqueName('srp');
  await api.user(POOLS.plain.id, name, PASSWORD);
  use('plain');
  assertDone(await signIn({ username: name, password: PASSWORD }));
  const me = await getCurrentUser();
  assert.equal(me.username, name);
  assert.equal(me.signInDetails.authFlowType, 'USER_SRP_AUTH');
  await signOut();
  assertDone(await signIn({ username: name, password: PASSWORD, options: { authFlowType: 'USER_PASSWORD_AUTH' } }));
  await signOut();
  await assert.rejects(signIn({ username: name, password: 'Wrong-horse1' }),
    (e) => e.name === 'NotAuthorizedException' && e.message === 'Incorrect username or password.');
});

test('CUSTOM_WITHOUT_SRP and CUSTOM_WITH_SRP run the custom challenge', async () => {
  const name = uniqueName('custom');
  await api.user(POOLS.plain.id, name, PASSWORD);
  use('plain');
  let r = await signIn({ username: name, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
  assert.equal(r.nextStep.additionalInfo.question, 'What is the answer to the demo question?');
  assertDone(await confirmSignIn({ challengeResponse: CUSTOM_ANSWER }));
  await signOut();
  r = await signIn({ username: name, password: PASSWORD, options: { authFlowType: 'CUSTOM_WITH_SRP' } });
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
  await assert.rejects(confirmSignIn({ challengeResponse: 'wrong' }), (e) => e.name === 'NotAuthorizedException');
});

test('NEW_PASSWORD_REQUIRED: confirmSignIn with the new password', async () => {
  const name = uniqueName('invited');
  await api.user(POOLS.plain.id, name, null);
  use('plain');
  const r = await signIn({ username: name, password: 'Temp-pass1!' });
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED');
  await assert.rejects(confirmSignIn({ challengeResponse: 'short' }), (e) => e.name === 'InvalidPasswordException');
  assertDone(await confirmSignIn({ challengeResponse: 'New-password1' }));
});

test('TOTP MFA: setUpTOTP / verifyTOTPSetup, then CONFIRM_SIGN_IN_WITH_TOTP_CODE', async () => {
  const name = uniqueName('totp');
  const auth = await totpUser('mfa', name);
  use('mfa');
  const r = await signIn({ username: name, password: PASSWORD });
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  await assert.rejects(confirmSignIn({ challengeResponse: '000000' }), (e) => e.name === 'CodeMismatchException');
  assertDone(await confirmSignIn({ challengeResponse: await auth.code() }));
});

test('SMS MFA: CONFIRM_SIGN_IN_WITH_SMS_CODE with the code from the outbox', async () => {
  const name = uniqueName('sms');
  await api.user(POOLS.mfa.id, name, PASSWORD, { phone_number: '+15555550102', phone_number_verified: 'true' });
  await api.call('AdminSetUserMFAPreference', { UserPoolId: POOLS.mfa.id, Username: name, SMSMfaSettings: { Enabled: true, PreferredMfa: true } });
  use('mfa');
  const since = Date.now() - 1000;
  const r = await signIn({ username: name, password: PASSWORD });
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_SMS_CODE');
  assert.equal(r.nextStep.codeDeliveryDetails.deliveryMedium, 'SMS');
  assertDone(await confirmSignIn({ challengeResponse: await api.code(POOLS.mfa.id, name, 'MFA', since) }));
});

test('email MFA: CONFIRM_SIGN_IN_WITH_EMAIL_CODE with the code from the outbox', async () => {
  const name = uniqueName('email-mfa');
  await api.user(POOLS.mfa.id, name, PASSWORD);
  await api.call('AdminSetUserMFAPreference', { UserPoolId: POOLS.mfa.id, Username: name, EmailMfaSettings: { Enabled: true, PreferredMfa: true } });
  use('mfa');
  const since = Date.now() - 1000;
  const r = await signIn({ username: name, password: PASSWORD });
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
  assert.equal(r.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
  assertDone(await confirmSignIn({ challengeResponse: await api.code(POOLS.mfa.id, name, 'MFA', since) }));
  const pref = await fetchMFAPreference();
  assert.deepEqual(pref.enabled, ['EMAIL']);
});

test('SELECT_MFA_TYPE: CONTINUE_SIGN_IN_WITH_MFA_SELECTION, then TOTP', async () => {
  const name = uniqueName('select');
  const auth = await totpUser('mfa', name);
  await api.call('AdminUpdateUserAttributes', { UserPoolId: POOLS.mfa.id, Username: name,
    UserAttributes: [{ Name: 'phone_number', Value: '+15555550103' }, { Name: 'phone_number_verified', Value: 'true' }] });
  await api.call('AdminSetUserMFAPreference', { UserPoolId: POOLS.mfa.id, Username: name,
    SMSMfaSettings: { Enabled: true, PreferredMfa: false }, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false } });
  use('mfa');
  let r = await signIn({ username: name, password: PASSWORD });
  assert.equal(r.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION');
  assert.deepEqual([...r.nextStep.allowedMFATypes].sort(), ['SMS', 'TOTP']);
  r = await confirmSignIn({ challengeResponse: 'TOTP' });
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  assertDone(await confirmSignIn({ challengeResponse: await auth.code() }));
});

test('MFA_SETUP: CONTINUE_SIGN_IN_WITH_TOTP_SETUP in a pool with MFA ON', async () => {
  const name = uniqueName('setup');
  await api.user(POOLS.mfaOn.id, name, PASSWORD);
  use('mfaOn');
  let r = await signIn({ username: name, password: PASSWORD });
  assert.equal(r.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
  const auth = new Authenticator(r.nextStep.totpSetupDetails.sharedSecret);
  assertDone(await confirmSignIn({ challengeResponse: await auth.code() }));
  await signOut();
  r = await signIn({ username: name, password: PASSWORD });
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  assertDone(await confirmSignIn({ challengeResponse: await auth.code() }));
});

test('confirmed, not remembered device with TOTP: MFA, then the device step; rememberDevice replaces MFA', async () => {
  const name = uniqueName('dev');
  const auth = await totpUser('devices', name);
  const browser = use('devices');
  let r = await signIn({ username: name, password: PASSWORD });
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  assertDone(await confirmSignIn({ challengeResponse: await auth.code() }));
  const key = payload((await accessToken()).toString()).device_key;
  assert.ok(key, 'the tokens that offer a new device carry its key');
  const devices = await fetchDevices();
  assert.ok(devices.some((d) => d.id === key), `Amplify confirmed the new device: ${JSON.stringify(devices)} ${key}`);
  await signOut();
  // Same browser: DEVICE_KEY is sent; MFA first, then DEVICE_SRP_AUTH.
  use('devices', browser);
  r = await signIn({ username: name, password: PASSWORD });
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', 'MFA comes before the device step');
  assertDone(await confirmSignIn({ challengeResponse: await auth.code() }));
  const proven = payload((await accessToken()).toString()).device_key;
  assert.equal(proven, key, 'the device proved itself after MFA');
  await rememberDevice();
  await signOut();
  use('devices', browser);
  assertDone(await signIn({ username: name, password: PASSWORD }));
  await forgetDevice();
  const left = await fetchDevices();
  assert.ok(!left.some((d) => d.id === proven), 'forgotten');
});

test('remembered device without MFA: the device step runs inside signIn', async () => {
  const name = uniqueName('remember');
  await api.user(POOLS.remembered.id, name, PASSWORD);
  const browser = use('remembered');
  assertDone(await signIn({ username: name, password: PASSWORD }));
  const key = payload((await accessToken()).toString()).device_key;
  const devices = await fetchDevices();
  assert.deepEqual(devices.map((d) => d.id), [key], 'Amplify confirmed the offered device');
  await signOut();
  use('remembered', browser);
  assertDone(await signIn({ username: name, password: PASSWORD }));
  assert.equal(payload((await accessToken()).toString()).device_key, key, 'the same device proved itself (no new one offered)');
});

test('USER_AUTH with each first factor: PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, and the choice', async () => {
  const name = uniqueName('choice');
  await api.user(POOLS.userAuth.id, name, PASSWORD, { phone_number: '+15555550104', phone_number_verified: 'true' });
  use('userAuth');
  for (const preferredChallenge of ['PASSWORD', 'PASSWORD_SRP']) {
    assertDone(await signIn({ username: name, password: PASSWORD, options: { authFlowType: 'USER_AUTH', preferredChallenge } }));
    await signOut();
  }
  for (const [preferredChallenge, step, medium] of [['EMAIL_OTP', 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', 'EMAIL'], ['SMS_OTP', 'CONFIRM_SIGN_IN_WITH_SMS_CODE', 'SMS']]) {
    const since = Date.now() - 1000;
    const r = await signIn({ username: name, options: { authFlowType: 'USER_AUTH', preferredChallenge } });
    assert.equal(r.nextStep.signInStep, step, preferredChallenge);
    assert.equal(r.nextStep.codeDeliveryDetails.deliveryMedium, medium);
    assertDone(await confirmSignIn({ challengeResponse: await api.code(POOLS.userAuth.id, name, 'OTP', since) }));
    await signOut();
  }
  // No preference: SELECT_CHALLENGE lists the factors; choose the email code.
  let r = await signIn({ username: name, options: { authFlowType: 'USER_AUTH' } });
  assert.equal(r.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION');
  assert.ok(r.nextStep.availableChallenges.includes('EMAIL_OTP'), JSON.stringify(r.nextStep.availableChallenges));
  const since = Date.now() - 1000;
  r = await confirmSignIn({ challengeResponse: 'EMAIL_OTP' });
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
  assertDone(await confirmSignIn({ challengeResponse: await api.code(POOLS.userAuth.id, name, 'OTP', since) }));
});

test('passkeys: associateWebAuthnCredential, listWebAuthnCredentials (name, attachment), USER_AUTH with WEB_AUTHN, delete', async (t) => {
  const name = uniqueName('passkey');
  await api.user(POOLS.userAuth.id, name, PASSWORD);
  // A browser on https://localhost (the pool's relying party) with a
  // software authenticator behind navigator.credentials.
  const key = new SoftwareAuthenticator({ origin: 'https://localhost', name: 'Conformance Keychain', attachment: 'platform' });
  const uninstall = key.install();
  t.after(uninstall);
  use('userAuth');
  assertDone(await signIn({ username: name, password: PASSWORD, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'PASSWORD' } }));
  await associateWebAuthnCredential();
  const { credentials } = await listWebAuthnCredentials();
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].friendlyCredentialName, 'Conformance Keychain', 'the name the authenticator reported (credProps)');
  assert.equal(credentials[0].authenticatorAttachment, 'platform', 'the attachment Amplify sent');
  assert.equal(credentials[0].relyingPartyId, 'localhost');
  await signOut();
  assertDone(await signIn({ username: name, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' } }));
  assert.equal((await getCurrentUser()).username, name);
  await deleteWebAuthnCredential({ credentialId: credentials[0].credentialId });
  assert.deepEqual((await listWebAuthnCredentials()).credentials, []);
});

test('refresh with GetTokensFromRefreshToken (fetchAuthSession forceRefresh), sign-out revokes, global sign-out', async () => {
  const name = uniqueName('refresh');
  await api.user(POOLS.plain.id, name, PASSWORD);
  const browser = use('plain');
  assertDone(await signIn({ username: name, password: PASSWORD }));
  const first = await fetchAuthSession();
  await new Promise((r) => setTimeout(r, 1100)); // a new iat
  const again = await fetchAuthSession({ forceRefresh: true });
  assert.notEqual(again.tokens.accessToken.toString(), first.tokens.accessToken.toString());
  assert.equal(again.tokens.accessToken.payload.username, name);
  const refreshToken = [...browser.items.entries()].find(([k]) => k.endsWith('.refreshToken'))[1];
  assert.ok(refreshToken);
  // signOut revokes the refresh token.
  await signOut();
  const revoked = await api.raw('GetTokensFromRefreshToken', { ClientId: POOLS.plain.client, RefreshToken: refreshToken });
  assert.equal(revoked.body.__type, 'NotAuthorizedException');
  // Global sign-out ends the access token everywhere.
  assertDone(await signIn({ username: name, password: PASSWORD }));
  const token = (await accessToken()).toString();
  await signOut({ global: true });
  const got = await api.raw('GetUser', { AccessToken: token });
  assert.equal(got.body.__type, 'NotAuthorizedException');
});

test('signUp, confirmSignUp with the emailed code, autoSignIn (SRP)', async () => {
  const name = uniqueName('signup');
  use('plain');
  const since = Date.now() - 1000;
  const up = await signUp({ username: name, password: PASSWORD, options: { userAttributes: { email: `${name}@example.com` }, autoSignIn: true } });
  assert.equal(up.isSignUpComplete, false);
  assert.equal(up.nextStep.signUpStep, 'CONFIRM_SIGN_UP');
  await resendSignUpCode({ username: name });
  const code = await api.code(POOLS.plain.id, name, 'SIGN_UP', since);
  const done = await confirmSignUp({ username: name, confirmationCode: code });
  assert.equal(done.nextStep.signUpStep, 'COMPLETE_AUTO_SIGN_IN');
  await autoSignInDebounce();
  assertDone(await autoSignIn());
  assert.equal((await getCurrentUser()).username, name);
});

test('signUp with autoSignIn through USER_AUTH (the sign-up session)', async () => {
  const name = uniqueName('signup-choice');
  use('userAuth');
  const since = Date.now() - 1000;
  const up = await signUp({ username: name, password: PASSWORD,
    options: { userAttributes: { email: `${name}@example.com` }, autoSignIn: { authFlowType: 'USER_AUTH' } } });
  assert.equal(up.nextStep.signUpStep, 'CONFIRM_SIGN_UP');
  const code = await api.code(POOLS.userAuth.id, name, 'SIGN_UP', since);
  const done = await confirmSignUp({ username: name, confirmationCode: code });
  assert.equal(done.nextStep.signUpStep, 'COMPLETE_AUTO_SIGN_IN');
  await autoSignInDebounce();
  assertDone(await autoSignIn());
  assert.equal((await getCurrentUser()).username, name);
});

test('user operations served today: fetchUserAttributes, updatePassword, resetPassword, MFA preference, passkey list', async () => {
  const name = uniqueName('ops');
  await api.user(POOLS.plain.id, name, PASSWORD, { name: 'Ops' });
  use('plain');
  assertDone(await signIn({ username: name, password: PASSWORD }));
  const attrs = await fetchUserAttributes();
  assert.equal(attrs.email, `${name}@example.com`);
  assert.equal(attrs.name, 'Ops');
  await assert.rejects(updatePassword({ oldPassword: 'Wrong-pass1', newPassword: 'Changed-pass1' }), (e) => e.name === 'NotAuthorizedException');
  await updatePassword({ oldPassword: PASSWORD, newPassword: 'Changed-pass1' });
  const pref = await fetchMFAPreference();
  assert.equal(pref.preferred, undefined);
  const creds = await listWebAuthnCredentials();
  assert.deepEqual(creds.credentials, []);
  await signOut();
  const since = Date.now() - 1000;
  const reset = await resetPassword({ username: name });
  assert.equal(reset.nextStep.resetPasswordStep, 'CONFIRM_RESET_PASSWORD_WITH_CODE');
  assert.equal(reset.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
  await confirmResetPassword({ username: name, newPassword: 'Reset-pass1', confirmationCode: await api.code(POOLS.plain.id, name, 'FORGOT_PASSWORD', since) });
  assertDone(await signIn({ username: name, password: 'Reset-pass1' }));
});

test('user operations: updateUserAttributes, confirmUserAttribute, deleteUserAttributes, deleteUser',
  async () => {
    const name = uniqueName('ops2');
    await api.user(POOLS.plain.id, name, PASSWORD);
    use('plain');
    assertDone(await signIn({ username: name, password: PASSWORD }));
    const since = Date.now() - 1000;
    const out = await updateUserAttributes({ userAttributes: { email: `${name}@example.org`, name: 'Ops' } });
    assert.equal(out.email.nextStep.updateAttributeStep, 'CONFIRM_ATTRIBUTE_WITH_CODE');
    await sendUserAttributeVerificationCode({ userAttributeKey: 'email' });
    await confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: await api.code(POOLS.plain.id, name, '', since) });
    assert.equal((await fetchUserAttributes()).email_verified, 'true');
    await deleteUserAttributes({ userAttributeKeys: ['name'] });
    await deleteUser();
  });
