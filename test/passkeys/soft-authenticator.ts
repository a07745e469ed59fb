/**
 * A software WebAuthn authenticator and client for tests: it answers creation and request
 * options the way a browser plus authenticator would, producing real `PublicKeyCredential.toJSON()`
 * shapes that @simplewebauthn/server verifies. ES256 keys from node:crypto, `none` attestation,
 * CBOR via the library's isoCBOR. Every protocol detail a test might want to break (origin, RP ID,
 * flags, counter, user handle, challenge) can be overridden per call.
 */
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/** Authenticator data flags, WebAuthn L3 §6.1. */
export const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

export interface SoftAuthenticatorOptions {
  /** The origin the "browser" reports in clientDataJSON. */
  origin: string;
  /** Backup eligible (a synced passkey) and backed up: flags BE and BS. Default true, true. */
  backupEligible?: boolean;
  backedUp?: boolean;
  /** Added to the counter on every signature; 0 models an authenticator without a counter. */
  counterStep?: number;
  aaguid?: Uint8Array;
}

export interface StoredCredential {
  id: string;
  privateKey: KeyObject;
  /** base64url user handle, as given in the creation options. */
  userHandle: string;
  counter: number;
}

export interface CeremonyOverrides {
  origin?: string;
  /** The RP ID whose hash goes into authenticator data (default: the options' RP ID). */
  rpId?: string;
  challenge?: string;
  type?: string;
  /** Flags byte to use instead of the computed one. */
  flags?: number;
  /** Drop these flags from the computed ones. */
  withoutFlags?: number;
}

export interface CreationOverrides extends CeremonyOverrides {
  /** Register this stored credential again (same id and key) instead of making a new one. */
  reuse?: string;
}

export interface AssertionOverrides extends CeremonyOverrides {
  /** Which stored credential signs (default: the first one the options allow). */
  credentialId?: string;
  /** Counter value to sign instead of the next one. */
  counter?: number;
  /** A user handle to return instead of the credential's; null returns none. */
  userHandle?: string | null;
}

type CBOR = Parameters<typeof isoCBOR.encode>[0];

const b64 = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

export class SoftAuthenticator {
  readonly credentials = new Map<string, StoredCredential>();
  readonly #options: Required<SoftAuthenticatorOptions>;

  constructor(options: SoftAuthenticatorOptions) {
    this.#options = {
      backupEligible: true,
      backedUp: true,
      counterStep: 0,
      aaguid: new Uint8Array(16),
      ...options,
    };
  }

  /** navigator.credentials.create(): a new ES256 credential and its `none` attestation. */
  create(
    options: PublicKeyCredentialCreationOptionsJSON,
    o: CreationOverrides = {},
  ): RegistrationResponseJSON {
    const reused = o.reuse === undefined ? undefined : this.credentials.get(o.reuse);
    const privateKey = reused?.privateKey ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
    const coseKey = new Map<number, CBOR>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'))],
      [-3, new Uint8Array(Buffer.from(jwk.y ?? '', 'base64url'))],
    ]);
    const credentialId = reused ? Buffer.from(reused.id, 'base64url') : randomBytes(32);
    const counter = this.#options.counterStep;
    const attested = Buffer.concat([
      this.#options.aaguid,
      Buffer.from([credentialId.length >> 8, credentialId.length & 0xff]),
      credentialId,
      isoCBOR.encode(coseKey),
    ]);
    const authData = this.#authData(
      o.rpId ?? options.rp.id ?? '',
      this.#flags(o, FLAG.AT),
      counter,
      attested,
    );
    const attestationObject = isoCBOR.encode(
      new Map<string, CBOR>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, CBOR>()],
        ['authData', new Uint8Array(authData)],
      ]),
    );
    const id = b64(credentialId);
    this.credentials.set(id, { id, privateKey, userHandle: options.user.id, counter });
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: this.#clientData('webauthn.create', options.challenge, o),
        attestationObject: b64(attestationObject),
        transports: ['internal', 'hybrid'],
      },
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get(): an assertion signed over authenticatorData || SHA-256(clientDataJSON). */
  get(
    options: PublicKeyCredentialRequestOptionsJSON,
    o: AssertionOverrides = {},
  ): AuthenticationResponseJSON {
    const allowed = options.allowCredentials?.map((c) => c.id);
    const id =
      o.credentialId ??
      [...this.credentials.keys()].find((k) => allowed === undefined || allowed.includes(k));
    const credential = id === undefined ? undefined : this.credentials.get(id);
    if (credential === undefined) throw new Error('soft authenticator: no credential for these options');
    const counter = o.counter ?? credential.counter + this.#options.counterStep;
    credential.counter = Math.max(credential.counter, counter);
    const authData = this.#authData(o.rpId ?? options.rpId ?? '', this.#flags(o, 0), counter);
    const clientDataJSON = this.#clientData('webauthn.get', options.challenge, o);
    const signature = sign(
      'sha256',
      Buffer.concat([authData, sha256(Buffer.from(clientDataJSON, 'base64url'))]),
      credential.privateKey,
    );
    const userHandle = o.userHandle === undefined ? credential.userHandle : o.userHandle;
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON,
        authenticatorData: b64(authData),
        signature: b64(signature),
        ...(userHandle !== null ? { userHandle } : {}),
      },
      clientExtensionResults: {},
    };
  }

  #flags(o: CeremonyOverrides, extra: number): number {
    if (o.flags !== undefined) return o.flags;
    let flags = FLAG.UP | FLAG.UV | extra;
    if (this.#options.backupEligible) flags |= FLAG.BE;
    if (this.#options.backedUp) flags |= FLAG.BS;
    return flags & ~(o.withoutFlags ?? 0);
  }

  #authData(rpId: string, flags: number, counter: number, attested?: Buffer): Buffer {
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), counterBytes, ...(attested ? [attested] : [])]);
  }

  #clientData(type: string, challenge: string, o: CeremonyOverrides): string {
    const data = {
      type: o.type ?? type,
      challenge: o.challenge ?? challenge,
      origin: o.origin ?? this.#options.origin,
      crossOrigin: false,
    };
    return b64(Buffer.from(JSON.stringify(data)));
  }
}
