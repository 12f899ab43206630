// `authflow serve -dev` as a new user meets it (issue 17): the command
// prints an Amplify configuration, unmodified Amplify v6 signs in with that
// configuration alone (SRP, the printed user and password), and the tokens
// verify offline with aws-jwt-verify following the README's recipe
// ("Verifying tokens offline"). Nothing here is hard-coded: every value comes
// from the banner the command prints.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { Amplify } from 'aws-amplify';
import { signIn, signOut, fetchAuthSession } from 'aws-amplify/auth';
import { JwtRsaVerifier, CognitoJwtVerifier } from 'aws-jwt-verify';
import { repoRoot } from '../lib/server.js';

// cliBinary returns the path of a built cmd/authflow: AUTHFLOW_CLI_BIN when
// set (CI builds it once), else a build into .bin/.
function cliBinary() {
  if (process.env.AUTHFLOW_CLI_BIN) return process.env.AUTHFLOW_CLI_BIN;
  const out = resolve(repoRoot, 'conformance', 'js', '.bin', `authflow-${process.pid}`);
  execFileSync('go', ['build', '-o', out, './cmd/authflow'], { cwd: repoRoot, stdio: 'inherit' });
  return out;
}

// startDev runs `authflow serve -dev` on a free loopback port and resolves
// with its stdout once the banner is complete (the Amplify snippet, the
// identity-js snippet and the user line have been printed).
async function startDev(extraArgs = []) {
  const bin = cliBinary();
  const child = spawn(bin, ['serve', '-dev', '-addr', '127.0.0.1:0', '-log-level', 'info', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (b) => { stderr = (stderr + b).slice(-20000); });
  const banner = await new Promise((resolveBanner, reject) => {
    const timer = setTimeout(() => reject(new Error(`no dev banner in 60s:\nstdout:\n${stdout}\nstderr:\n${stderr}`)), 60000);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`authflow exited (${code}):\n${stderr}`)); });
    child.stdout.on('data', (b) => {
      stdout += b;
      // The banner is complete once the snippets are closed and the CLI
      // section (its last part) has been printed.
      if (/Amplify\.configure\([\s\S]*?\}\);/.test(stdout) && /new CognitoUserPool\([\s\S]*?\}\);/.test(stdout)
        && /--user-pool-id/.test(stdout)) {
        clearTimeout(timer);
        resolveBanner(stdout);
      }
    });
  });
  child.removeAllListeners('exit');
  const kill = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
  process.once('exit', kill);
  const stop = async () => {
    if (child.exitCode === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(t);
    }
    if (!process.env.AUTHFLOW_CLI_BIN && existsSync(bin)) rmSync(bin, { force: true });
  };
  return { banner, stop, logs: () => stderr };
}

// amplifyConfig extracts the object passed to Amplify.configure in the
// banner and evaluates it as the JavaScript a user would paste.
function amplifyConfig(banner) {
  const m = /Amplify\.configure\((\{[\s\S]*?\})\);/.exec(banner);
  assert.ok(m, `no Amplify.configure snippet in:\n${banner}`);
  // eslint-disable-next-line no-new-func
  return Function(`"use strict"; return (${m[1]});`)();
}

// field returns the value of a "  name   value" line of the banner.
function field(banner, name) {
  const m = new RegExp(`^\\s+${name}\\s{2,}(\\S.*)$`, 'm').exec(banner);
  assert.ok(m, `no "${name}" line in:\n${banner}`);
  return m[1].trim();
}

function claimsOf(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

let dev;
let config;
let username;
let password;
let tokens;

before(async () => {
  dev = await startDev();
  config = amplifyConfig(dev.banner);
  const user = /^(\S+) \/ (\S+)/.exec(field(dev.banner, 'user'));
  assert.ok(user, `user line: ${field(dev.banner, 'user')}`);
  [, username, password] = user;
});
after(async () => {
  try { await signOut(); } catch { /* not signed in */ }
  await dev?.stop();
});

test('serve -dev prints an Amplify v6 configuration naming this server', () => {
  const c = config.Auth.Cognito;
  assert.deepEqual(Object.keys(c).sort(), ['userPoolClientId', 'userPoolEndpoint', 'userPoolId']);
  assert.match(c.userPoolEndpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(c.userPoolEndpoint, 'http://127.0.0.1:0');
  assert.equal(c.userPoolEndpoint, field(dev.banner, 'endpoint'));
  assert.equal(c.userPoolId, field(dev.banner, 'user pool'));
  assert.match(c.userPoolId, /^[a-z]{2}-[a-z]+-\d_\w+$/);
  assert.equal(field(dev.banner, 'app client').split(' ')[0], c.userPoolClientId);
});

test('Amplify v6 signs in (SRP) with the printed configuration alone', async () => {
  Amplify.configure(config);
  const r = await signIn({ username, password });
  assert.equal(r.nextStep.signInStep, 'DONE', JSON.stringify(r.nextStep));
  assert.equal(r.isSignedIn, true);
  const s = await fetchAuthSession();
  assert.ok(s.tokens?.idToken && s.tokens?.accessToken, 'tokens after sign-in');
  tokens = { id: s.tokens.idToken.toString(), access: s.tokens.accessToken.toString() };
  assert.equal(claimsOf(tokens.id)['cognito:username'], username);
  // Amplify's default flow is SRP: the server's request log names it.
  assert.match(dev.logs(), /USER_SRP_AUTH/);
});

// The README's recipe: the local issuer is <endpoint>/<poolId>, its keys at
// <iss>/.well-known/jwks.json, fetched once into cacheJwks; then verify.
test('the tokens verify offline with aws-jwt-verify, as the README says', async (t) => {
  assert.ok(tokens, 'signed in by the previous test');
  const { userPoolEndpoint, userPoolId, userPoolClientId } = config.Auth.Cognito;
  const iss = `${userPoolEndpoint}/${userPoolId}`;
  const jwksUri = `${iss}/.well-known/jwks.json`;
  assert.equal(field(dev.banner, 'issuer'), iss);
  assert.equal(field(dev.banner, 'jwks'), jwksUri);

  const idVerifier = JwtRsaVerifier.create({ issuer: iss, audience: userPoolClientId, jwksUri });
  const accessVerifier = JwtRsaVerifier.create({
    issuer: iss, audience: null, jwksUri,
    customJwtCheck: ({ payload }) => {
      if (payload.client_id !== userPoolClientId) throw new Error(`client_id ${payload.client_id}`);
    },
  });
  const jwks = await (await fetch(jwksUri)).json();
  idVerifier.cacheJwks(jwks);
  accessVerifier.cacheJwks(jwks);

  // Offline: the server is gone before anything is verified.
  await signOut({ global: false }).catch(() => {});
  await dev.stop();
  await assert.rejects(fetch(jwksUri), 'the server is stopped');

  const id = await idVerifier.verify(tokens.id);
  assert.equal(id.token_use, 'id');
  assert.equal(id.aud, userPoolClientId);
  assert.equal(id.iss, iss);
  assert.equal(id['cognito:username'], username);

  const access = await accessVerifier.verify(tokens.access);
  assert.equal(access.token_use, 'access');
  assert.equal(access.client_id, userPoolClientId);
  assert.equal(access.iss, iss);
  assert.equal(access.username, username);

  await t.test('a token of another client or with a changed payload is refused', async () => {
    const other = JwtRsaVerifier.create({ issuer: iss, audience: 'someotherclient0000000001', jwksUri });
    other.cacheJwks(jwks);
    await assert.rejects(other.verify(tokens.id), /audience/i);
    const [h, p, sig] = tokens.id.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claimsOf(tokens.id), 'cognito:username': 'mallory' })).toString('base64url');
    await assert.rejects(idVerifier.verify(`${h}.${forged}.${sig}`), /signature/i);
  });
});

// The README's second recipe: without the local issuer (-local-issuer=false)
// tokens carry Cognito's issuer, and a CognitoJwtVerifier given this
// server's JWKS through cacheJwks verifies them without calling AWS.
test('with -local-issuer=false, CognitoJwtVerifier plus cacheJwks verifies offline', async () => {
  try { await signOut(); } catch { /* not signed in */ }
  const cog = await startDev(['-local-issuer=false']);
  try {
    const c = amplifyConfig(cog.banner).Auth.Cognito;
    const [, user, pass] = /^(\S+) \/ (\S+)/.exec(field(cog.banner, 'user'));
    const region = field(cog.banner, 'region');
    const iss = `https://cognito-idp.${region}.amazonaws.com/${c.userPoolId}`;
    assert.equal(field(cog.banner, 'issuer'), iss);
    const jwksUri = field(cog.banner, 'jwks');
    assert.equal(jwksUri, `${c.userPoolEndpoint}/${c.userPoolId}/.well-known/jwks.json`);

    Amplify.configure(amplifyConfig(cog.banner));
    const r = await signIn({ username: user, password: pass });
    assert.equal(r.nextStep.signInStep, 'DONE', JSON.stringify(r.nextStep));
    const s = await fetchAuthSession();
    const idToken = s.tokens.idToken.toString();
    const accessToken = s.tokens.accessToken.toString();

    const idVerifier = CognitoJwtVerifier.create({ userPoolId: c.userPoolId, tokenUse: 'id', clientId: c.userPoolClientId });
    const accessVerifier = CognitoJwtVerifier.create({ userPoolId: c.userPoolId, tokenUse: 'access', clientId: c.userPoolClientId });
    const jwks = await (await fetch(jwksUri)).json();
    idVerifier.cacheJwks(jwks);
    accessVerifier.cacheJwks(jwks);
    try { await signOut(); } catch { /* the tokens stay valid offline */ }
    await cog.stop();

    const id = await idVerifier.verify(idToken);
    assert.equal(id.iss, iss);
    assert.equal(id.token_use, 'id');
    assert.equal(id.aud, c.userPoolClientId);
    assert.equal(id['cognito:username'], user);
    const access = await accessVerifier.verify(accessToken);
    assert.equal(access.iss, iss);
    assert.equal(access.token_use, 'access');
    assert.equal(access.client_id, c.userPoolClientId);
    assert.equal(access.username, user);
  } finally {
    await cog.stop();
  }
});
