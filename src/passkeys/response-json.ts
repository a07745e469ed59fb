import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';

/**
 * The shape of the browser's `PublicKeyCredential.toJSON()` (what @simplewebauthn/browser
 * returns), checked before the library sees it so a malformed `response` is a 400 naming the
 * field. Only the fields verification reads are kept; the library checks their contents.
 */

/** Credential ids are at most 1023 bytes (L3 §7.1): 1364 base64url characters. */
const credentialId = z.string().min(1).max(1400);
const base64url = (max: number) => z.string().min(1).max(max);

export const registrationResponseJson = z
  .object({
    id: credentialId,
    rawId: credentialId,
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: base64url(8192),
      attestationObject: base64url(48_000),
      transports: z.array(z.string().max(32)).max(16).optional(),
    }),
  })
  .transform(
    (r): RegistrationResponseJSON => ({
      id: r.id,
      rawId: r.rawId,
      type: r.type,
      response: {
        clientDataJSON: r.response.clientDataJSON,
        attestationObject: r.response.attestationObject,
        ...(r.response.transports !== undefined ? { transports: r.response.transports } : {}),
      },
      clientExtensionResults: {},
    }),
  );

export const authenticationResponseJson = z
  .object({
    id: credentialId,
    rawId: credentialId,
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: base64url(8192),
      authenticatorData: base64url(8192),
      signature: base64url(2048),
      /** Browsers send null (or omit it) when the authenticator returned none; empty counts as none. */
      userHandle: z.string().max(128).nullable().optional(),
    }),
  })
  .transform(
    (r): AuthenticationResponseJSON => ({
      id: r.id,
      rawId: r.rawId,
      type: r.type,
      response: {
        clientDataJSON: r.response.clientDataJSON,
        authenticatorData: r.response.authenticatorData,
        signature: r.response.signature,
        ...(r.response.userHandle ? { userHandle: r.response.userHandle } : {}),
      },
      clientExtensionResults: {},
    }),
  );
