import type { FederatedAccountFailure, LinkOutcome } from './federated-account.ts';
import type { FinishFailure } from './finish-flow.ts';

/**
 * Why a federated sign-in or link did not happen, said to the person in the browser: what went
 * wrong and what to do next. Plain text; the HTTP layer renders it with the error page.
 */
export type FederationFailure =
  | FinishFailure
  | FederatedAccountFailure
  | Exclude<LinkOutcome, 'linked' | 'already_linked'>
  | 'unknown_provider'
  | 'invalid_state'
  | 'replayed'
  | 'unavailable'
  | 'not_recent'
  | 'last_method'
  | 'identity_not_found';

export interface FailurePage {
  status: 400 | 403 | 404 | 409 | 502 | 503;
  title: string;
  message: string;
}

export function failurePage(
  reason: FederationFailure,
  provider: string,
  hostedDomain: string | null = null,
): FailurePage {
  switch (reason) {
    case 'unknown_provider':
      return {
        status: 404,
        title: 'Unknown sign-in method',
        message: 'This way of signing in is not set up here.',
      };
    case 'invalid_state':
      return {
        status: 400,
        title: 'This sign-in has expired',
        message: `The answer from ${provider} does not belong to a sign-in started in this browser in the last 10 minutes. Start again.`,
      };
    case 'replayed':
      return {
        status: 400,
        title: 'This sign-in was already used',
        message: `This answer from ${provider} has been used once already. Start signing in again.`,
      };
    case 'cancelled':
      return {
        status: 400,
        title: 'Sign-in cancelled',
        message: `Signing in with ${provider} was cancelled.`,
      };
    case 'upstream_rejected':
      return {
        status: 502,
        title: `Signing in with ${provider} failed`,
        message: `${provider} did not confirm who you are. Start again; if it keeps failing, sign in another way.`,
      };
    case 'unavailable':
      return {
        status: 503,
        title: `${provider} is not reachable`,
        message: `We could not reach ${provider} just now. Try again in a moment, or sign in another way.`,
      };
    case 'wrong_domain':
      return {
        status: 403,
        title: 'This account may not sign in',
        message: `Only ${hostedDomain ?? 'organisation'} accounts may sign in with ${provider}. Choose that account at ${provider}.`,
      };
    case 'no_email':
      return {
        status: 403,
        title: `${provider} shared no email address`,
        message: `An account needs an email address. Let ${provider} share yours and try again, or sign up with a password.`,
      };
    case 'email_not_verified':
      return {
        status: 403,
        title: 'Your email address is not verified',
        message: `${provider} has not verified your email address, so we cannot create an account with it. Verify it at ${provider} and try again, or sign up with a password.`,
      };
    case 'link_needs_verified_email':
      return {
        status: 409,
        title: 'You already have an account',
        message: `An account with this email address already exists, and ${provider} has not confirmed that the address is yours, so we did not connect them. Sign in with your password first, then link ${provider} from your account page.`,
      };
    case 'existing_unconfirmed':
      return {
        status: 409,
        title: 'You already have an account',
        message: `An account with this email address exists but its address was never confirmed here, so we did not connect ${provider} to it. Sign in with your password (or reset it) to confirm the address, then link ${provider} from your account page.`,
      };
    case 'signup_disabled':
      return {
        status: 403,
        title: 'Sign-up is closed',
        message: `No account is linked to this ${provider} account, and new accounts cannot be created here.`,
      };
    case 'email_domain_not_allowed':
      return {
        status: 403,
        title: 'Sign-up is not open to this address',
        message: `No account is linked to this ${provider} account, and accounts with this email domain cannot be created here.`,
      };
    case 'account_disabled':
      return { status: 403, title: 'This account is disabled', message: 'Contact the administrator.' };
    case 'linked_elsewhere':
      return {
        status: 409,
        title: `This ${provider} account is linked elsewhere`,
        message: `This ${provider} account already signs in to another account. Sign in to that one and unlink it there first.`,
      };
    case 'no_user':
      return {
        status: 400,
        title: 'Sign in again',
        message: 'Your account could not be found. Sign in and try again.',
      };
    case 'not_recent':
      return {
        status: 403,
        title: 'Sign in again first',
        message:
          'Linking and unlinking sign-in methods needs a sign-in in the last 10 minutes. Sign out, sign in again, then retry from your account page.',
      };
    case 'last_method':
      return {
        status: 409,
        title: 'This is your only way to sign in',
        message: `Unlinking ${provider} would lock you out. Set a password or add a passkey first.`,
      };
    case 'identity_not_found':
      return {
        status: 404,
        title: 'Not linked',
        message: 'This sign-in method is not linked to your account.',
      };
  }
}
