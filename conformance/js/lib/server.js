// Starts examples/server on a free loopback port with a temporary data
// directory and the suite's pools (lib/pools.json), and gives the tests a
// small admin client (Cognito's JSON protocol, a SigV4-shaped header the
// server accepts without -credentials) and the outbox where codes land.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..', '..');
export const poolsFile = join(here, 'pools.json');

// serverBinary returns the path of a built examples/server:
// AUTHFLOW_SERVER_BIN when set (CI builds it once), else a build into
// .bin/ (go's build cache makes repeated builds cheap).
function serverBinary() {
  if (process.env.AUTHFLOW_SERVER_BIN) return process.env.AUTHFLOW_SERVER_BIN;
  const out = resolve(here, '..', '.bin', `authflow-server-${process.pid}`);
  execFileSync('go', ['build', '-o', out, './examples/server'], { cwd: repoRoot, stdio: 'inherit' });
  return out;
}

// startServer starts a server and resolves once it listens. stop() ends it
// (SIGTERM, then SIGKILL) and removes the data directory.
export async function startServer(extraArgs = []) {
  const bin = serverBinary();
  const data = mkdtempSync(join(tmpdir(), 'authflow-conformance-'));
  const args = ['-addr', '127.0.0.1:0', '-data', data, '-config', poolsFile,
    '-custom-challenge-answer', CUSTOM_ANSWER, '-log-level', 'warn', ...extraArgs];
  if (await hasFlag(bin, 'outbox')) args.push('-outbox');
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b) => { stderr = (stderr + b).slice(-20000); });
  const url = await new Promise((resolveURL, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60s:\n${stderr}`)), 60000);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${stderr}`)); });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) { clearTimeout(timer); resolveURL(m[1]); }
    });
  });
  child.removeAllListeners('exit');
  // Never leave the server behind, whatever ends this process.
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
    rmSync(data, { recursive: true, force: true });
    if (!process.env.AUTHFLOW_SERVER_BIN && existsSync(bin)) rmSync(bin, { force: true });
  };
  return { url, stop, logs: () => stderr };
}

const flagCache = new Map();
async function hasFlag(bin, name) {
  if (!flagCache.has(bin)) {
    let help = '';
    try {
      execFileSync(bin, ['-h'], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      help = String(e.stderr) + String(e.stdout);
    }
    flagCache.set(bin, help);
  }
  return new RegExp(`^\\s*-${name}\\b`, 'm').test(flagCache.get(bin));
}

// The demo CUSTOM_CHALLENGE's answer (-custom-challenge-answer).
export const CUSTOM_ANSWER = 'forty-two';

// Pools and app clients of lib/pools.json.
export const POOLS = {
  plain: { id: 'us-east-1_Plain1', client: 'plainclient000000000000001' },
  mfa: { id: 'us-east-1_Mfa1', client: 'mfaclient00000000000000001' },
  mfaOn: { id: 'us-east-1_MfaOn1', client: 'mfaonclient000000000000001' },
  devices: { id: 'us-east-1_Dev1', client: 'devclient00000000000000001' },
  remembered: { id: 'us-east-1_Remember1', client: 'rememberclient000000000001' },
  userAuth: { id: 'us-east-1_Choice1', client: 'choiceclient00000000000001' },
};

// Api is a minimal Cognito JSON client for the test's own setup and checks
// (admin operations and raw wire checks), never for the flows under test.
export class Api {
  constructor(url) { this.url = url; }

  // raw sends op and returns {status, body} without throwing.
  async raw(op, body) {
    const res = await fetch(this.url + '/', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${op}`,
        Authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00',
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {}, text };
  }

  // call sends op and throws on an error answer.
  async call(op, body) {
    const r = await this.raw(op, body);
    if (r.status !== 200) {
      const e = new Error(`${op}: ${r.body.__type}: ${r.body.message}`);
      e.code = r.body.__type;
      throw e;
    }
    return r.body;
  }

  // outbox lists the codes delivered to username in pool, newest first.
  async outbox(pool, username) {
    const res = await fetch(`${this.url}/local/outbox?pool=${encodeURIComponent(pool)}&username=${encodeURIComponent(username)}`);
    if (res.status !== 200) throw new Error(`outbox: HTTP ${res.status}`);
    return res.json();
  }

  // code waits for the newest code of purpose for username (after since).
  async code(pool, username, purpose, since = 0) {
    for (let i = 0; i < 50; i++) {
      const msgs = await this.outbox(pool, username);
      const m = msgs.find((x) => (!purpose || x.purpose === purpose) && Date.parse(x.time) >= since);
      if (m) return m.code;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no ${purpose} code for ${username} in ${pool}`);
  }

  // user creates a confirmed user with a permanent password.
  async user(pool, username, password, attributes = {}) {
    const attrs = { email: `${username}@example.com`, email_verified: 'true', ...attributes };
    await this.call('AdminCreateUser', {
      UserPoolId: pool, Username: username, MessageAction: 'SUPPRESS', TemporaryPassword: 'Temp-pass1!',
      UserAttributes: Object.entries(attrs).map(([Name, Value]) => ({ Name, Value })),
    });
    if (password) {
      await this.call('AdminSetUserPassword', { UserPoolId: pool, Username: username, Password: password, Permanent: true });
    }
  }
}

let counter = 0;
// uniqueName returns a username not used before in this run.
export function uniqueName(prefix) {
  counter++;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}
