/**
 * Recipient masking for mail logs: enough to correlate a complaint ("I never got my code") with a
 * log line, not enough to harvest addresses from the logs. `alice@example.com` → `a***@example.com`.
 */
export function maskRecipient(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return '***';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  return `${local.slice(0, 1)}***@${domain}`;
}
