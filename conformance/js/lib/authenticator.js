// A software passkey authenticator behind the browser's WebAuthn API
// (navigator.credentials.create / get, PublicKeyCredential and the two
// response classes), so Amplify's passkey code runs unmodified in Node:
// ES256 keys from node:crypto, "none" attestation, a signature counter.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

// cbor encodes the few CBOR types an attestation object needs: maps,
// byte strings, text strings and integers.
function cbor(v) {
  const head = (major, n) => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    if (n < 65536) { const b = Buffer.alloc(3); b[0] = (major << 5) | 25; b.writeUInt16BE(n, 1); return b; }
    const b = Buffer.alloc(5); b[0] = (major << 5) | 26; b.writeUInt32BE(n, 1); return b;
  };
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') { const s = Buffer.from(v, 'utf8'); return Buffer.concat([head(3, s.length), s]); }
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.concat([head(2, v.length), Buffer.from(v)]);
  if (v instanceof Map) {
    const parts = [head(5, v.size)];
    for (const [k, x] of v) parts.push(cbor(k), cbor(x));
    return Buffer.concat(parts);
  }
  throw new Error(`cbor: unsupported ${typeof v}`);
}

const toArrayBuffer = (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
const b64url = (b) => Buffer.from(b).toString('base64url');
const bytes = (x) => Buffer.from(x instanceof ArrayBuffer ? new Uint8Array(x) : x);

export class PublicKeyCredential {
  constructor(fields) { Object.assign(this, fields); }
  getClientExtensionResults() { return this.extensions; }
}
export class AuthenticatorAttestationResponse {
  constructor(fields) { Object.assign(this, fields); }
  getTransports() { return ['internal']; }
  getPublicKeyAlgorithm() { return -7; }
  getAuthenticatorData() { return this.authData; }
  getPublicKey() { return this.spki; }
}
export class AuthenticatorAssertionResponse {
  constructor(fields) { Object.assign(this, fields); }
}

// SoftwareAuthenticator keeps its credentials in memory. origin is the
// page's origin the client data names; name is reported through
// credProps.authenticatorDisplayName when given.
export class SoftwareAuthenticator {
  constructor({ origin, name, attachment = 'platform' }) {
    this.origin = origin;
    this.name = name;
    this.attachment = attachment;
    this.credentials = [];
  }

  async create({ publicKey: o }) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const id = randomBytes(16);
    const rpId = o.rp.id;
    const cose = cbor(new Map([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x, 'base64url')], [-3, Buffer.from(jwk.y, 'base64url')]]));
    const idLen = Buffer.alloc(2); idLen.writeUInt16BE(id.length);
    const authData = Buffer.concat([createHash('sha256').update(rpId).digest(), Buffer.from([0x45]), Buffer.alloc(4), Buffer.alloc(16), idLen, id, cose]);
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: b64url(bytes(o.challenge)), origin: this.origin, crossOrigin: false }));
    const attestation = cbor(new Map([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    this.credentials.push({ id, rpId, privateKey, userHandle: bytes(o.user.id), count: 0 });
    const extensions = { credProps: this.name ? { rk: true, authenticatorDisplayName: this.name } : { rk: true } };
    return new PublicKeyCredential({
      id: b64url(id), rawId: toArrayBuffer(id), type: 'public-key', authenticatorAttachment: this.attachment, extensions,
      response: new AuthenticatorAttestationResponse({ clientDataJSON: toArrayBuffer(clientData), attestationObject: toArrayBuffer(attestation),
        authData: toArrayBuffer(authData), spki: toArrayBuffer(publicKey.export({ type: 'spki', format: 'der' })) }),
    });
  }

  async get({ publicKey: o }) {
    const allowed = (o.allowCredentials || []).map((c) => b64url(bytes(c.id)));
    const cred = this.credentials.find((c) => c.rpId === o.rpId && (allowed.length === 0 || allowed.includes(b64url(c.id))));
    if (!cred) throw Object.assign(new Error('no credential'), { name: 'NotAllowedError' });
    cred.count++;
    const count = Buffer.alloc(4); count.writeUInt32BE(cred.count);
    const authData = Buffer.concat([createHash('sha256').update(cred.rpId).digest(), Buffer.from([0x05]), count]);
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: b64url(bytes(o.challenge)), origin: this.origin, crossOrigin: false }));
    const signature = sign('sha256', Buffer.concat([authData, createHash('sha256').update(clientData).digest()]), cred.privateKey);
    return new PublicKeyCredential({
      id: b64url(cred.id), rawId: toArrayBuffer(cred.id), type: 'public-key', authenticatorAttachment: this.attachment, extensions: {},
      response: new AuthenticatorAssertionResponse({ clientDataJSON: toArrayBuffer(clientData), authenticatorData: toArrayBuffer(authData),
        signature: toArrayBuffer(signature), userHandle: toArrayBuffer(cred.userHandle) }),
    });
  }

  // install makes this authenticator the page's WebAuthn API (a secure
  // browser context as Amplify checks it) and returns a function that
  // removes it again.
  install() {
    const saved = { window: globalThis.window, navigator: globalThis.navigator, PublicKeyCredential: globalThis.PublicKeyCredential,
      AuthenticatorAttestationResponse: globalThis.AuthenticatorAttestationResponse, AuthenticatorAssertionResponse: globalThis.AuthenticatorAssertionResponse };
    const nav = { ...(globalThis.navigator || {}), userAgent: globalThis.navigator?.userAgent, credentials: { create: (x) => this.create(x), get: (x) => this.get(x) } };
    Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true, writable: true });
    globalThis.window = { document: {}, isSecureContext: true, PublicKeyCredential, location: { origin: this.origin } };
    Object.assign(globalThis, { PublicKeyCredential, AuthenticatorAttestationResponse, AuthenticatorAssertionResponse });
    return () => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete globalThis[k];
        else Object.defineProperty(globalThis, k, { value: v, configurable: true, writable: true });
      }
    };
  }
}
