/**
 * The browser side, served as /app.js (no inline script, so the page's CSP can forbid them).
 * It reads the CSRF cookie — the one cookie readable by JavaScript — and sends it back in the
 * `X-CSRF-Token` header. A cross-site page can make the browser send cookies, but it can't read
 * them, so it can't produce this header.
 */
export const PAGE_SCRIPT = `'use strict';
const cookieName = document.querySelector('meta[name="csrf-cookie"]')?.content;

function csrfToken() {
  const prefix = cookieName + '=';
  const match = document.cookie.split('; ').find((c) => c.startsWith(prefix));
  return match ? match.slice(prefix.length) : '';
}

const form = document.getElementById('note-form');
form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = document.getElementById('note');
  const status = document.getElementById('status');
  const response = await fetch('/api/notes', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken() },
    body: JSON.stringify({ text: input.value }),
  });
  if (response.status === 401) {
    location.href = '/auth/login?return_to=/';
    return;
  }
  if (!response.ok) {
    status.textContent = 'Could not save the note (' + response.status + ')';
    return;
  }
  const note = await response.json();
  const item = document.createElement('li');
  item.textContent = note.text;
  document.getElementById('notes').append(item);
  input.value = '';
  status.textContent = 'Saved';
});
`;
