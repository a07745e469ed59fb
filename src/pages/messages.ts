/** Wording shared by several pages, so one failure reads the same everywhere. */

/** The core's detail ("password is too common") as a sentence for the page. */
export function sentence(detail: string | undefined, fallback: string): string {
  if (detail === undefined || detail === '') return fallback;
  return `${detail.charAt(0).toUpperCase()}${detail.slice(1)}.`;
}

/** "2 minutes", "45 seconds": the wait a throttled user is told. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export const PASSWORD_HINT = 'At least 8 characters. A long phrase is easiest to remember.';
export const INVALID_CODE = 'That code is wrong, expired or already used.';
/** Longest display name kept, as in the JSON API. */
export const MAX_NAME_LENGTH = 200;
