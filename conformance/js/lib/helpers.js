// Helpers shared by the tests: an in-memory Storage for
// amazon-cognito-identity-js, promise wrappers for its callback API, and a
// TOTP authenticator that never reuses a time step (the server refuses a
// step it has accepted before, as Cognito does).
import * as OTPAuth from 'otpauth';

// MemoryStorage is the Web Storage subset amazon-cognito-identity-js uses.
// One per simulated browser: device keys and tokens live here.
export class MemoryStorage {
  constructor() { this.items = new Map(); }
  setItem(k, v) { this.items.set(k, String(v)); }
  getItem(k) { return this.items.has(k) ? this.items.get(k) : null; }
  removeItem(k) { this.items.delete(k); }
  clear() { this.items.clear(); }
  get length() { return this.items.size; }
  key(i) { return [...this.items.keys()][i] ?? null; }
}

// The callbacks of CognitoUser.authenticateUser and its continuations.
const callbackNames = ['onSuccess', 'onFailure', 'newPasswordRequired', 'mfaRequired', 'totpRequired',
  'customChallenge', 'mfaSetup', 'selectMFAType', 'associateSecretCode'];

// step runs one call of the callback API and resolves with the callback the
// library chose: {kind, args}. onFailure resolves too (kind 'onFailure').
export function step(invoke) {
  return new Promise((resolve) => {
    const cb = {};
    for (const k of callbackNames) cb[k] = (...args) => resolve({ kind: k, args });
    invoke(cb);
  });
}

// nodeback turns a (err, result) call into a promise.
export function nodeback(invoke) {
  return new Promise((resolve, reject) => invoke((err, res) => (err ? reject(err) : resolve(res))));
}

// Authenticator is a TOTP app for one secret. code() returns a code for a
// step later than any it returned before, waiting for the next step only
// when the window (previous, current, next step) is used up.
export class Authenticator {
  constructor(secret) {
    this.totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
    this.last = -Infinity;
  }

  async code() {
    for (;;) {
      const cur = Math.floor(Date.now() / 30000);
      // The server's clock is this machine's, but a step may turn between
      // here and the server's check: near a step's end, skip the previous one.
      const secs = (Date.now() / 1000) % 30;
      const candidates = secs > 27 ? [cur, cur + 1] : [cur - 1, cur, cur + 1];
      const s = candidates.find((x) => x > this.last);
      if (s !== undefined) {
        this.last = s;
        return this.totp.generate({ timestamp: s * 30000 });
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

// payload decodes a JWT's claims (no verification; the Go tests verify).
export function payload(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

// withCode runs step(make(code)): a continuation that needs a code.
export function withCode(code, make) {
  return step(make(code));
}
