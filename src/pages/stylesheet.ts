/**
 * The hosted pages' stylesheet, kept in a module rather than a .css file so it ships inside the
 * Lambda bundle and `dist` without a copy step. Mobile first: one column, a card that stops
 * growing at 28rem. The brand colour arrives as `--brand` from /assets/brand.css.
 */
export const GATEHOUSE_CSS = `
:root {
  color-scheme: light dark;
  --brand: #2f5bea;
  --brand-text: #ffffff;
  --bg: #f4f5f7;
  --card: #ffffff;
  --text: #1b1d22;
  --muted: #5b6170;
  --border: #c9cdd6;
  --error: #b3261e;
  --error-bg: #fdecea;
  --ok: #1e6b34;
  --ok-bg: #e7f5ec;
  --radius: 0.5rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  line-height: 1.5;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111317;
    --card: #1c1f26;
    --text: #e8eaee;
    --muted: #a3a9b6;
    --border: #3d4250;
    --error: #ffb4ab;
    --error-bg: #3b1614;
    --ok: #9ad7a9;
    --ok-bg: #15311e;
  }
}
*, *::before, *::after { box-sizing: border-box; }
/* display rules below (input { display: block }) would otherwise beat the UA's [hidden] rule. */
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); min-height: 100vh; }
.skip-link { position: absolute; left: -999px; }
.skip-link:focus { left: 1rem; top: 1rem; background: var(--card); padding: 0.5rem; z-index: 1; }
.page { display: flex; flex-direction: column; align-items: center; padding: 1rem; }
.site-header { display: flex; align-items: center; gap: 0.75rem; width: 100%; max-width: 28rem; margin: 0.5rem 0 1rem; }
.site-header img { max-height: 2.5rem; max-width: 10rem; }
.site-name { font-weight: 600; font-size: 1.125rem; }
.card { width: 100%; max-width: 28rem; background: var(--card); border: 1px solid var(--border); border-radius: var(--radius); padding: 1.25rem; }
@media (min-width: 40rem) {
  .page { padding-top: 4rem; }
  .card { padding: 2rem; }
}
/* The card's padding is its bottom edge: no trailing margin from an alert or a form's buttons. */
.card > :last-child, .card > form:last-child > :last-child { margin-bottom: 0; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.125rem; margin: 0 0 0.75rem; }
p { margin: 0 0 1rem; }
a { color: var(--brand); text-underline-offset: 0.15em; }
@media (prefers-color-scheme: dark) { a { color: inherit; } }
.field { margin: 0 0 1rem; }
label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.hint { color: var(--muted); font-size: 0.875rem; margin: 0.25rem 0 0; }
main > p.hint { margin: 0 0 1rem; }
input[type="email"], input[type="password"], input[type="text"] {
  display: block; width: 100%; font: inherit; padding: 0.625rem 0.75rem; min-height: 2.75rem;
  color: var(--text); background: var(--card); border: 1px solid var(--border); border-radius: var(--radius);
}
input[aria-invalid="true"] { border-color: var(--error); border-width: 2px; }
.field-error { color: var(--error); font-size: 0.875rem; margin: 0.25rem 0 0; }
:focus-visible { outline: 3px solid var(--brand); outline-offset: 2px; }
/* A mid blue ring is under 3:1 against the dark card; a lightened brand colour stays visible. */
@media (prefers-color-scheme: dark) { :focus-visible { outline-color: color-mix(in srgb, var(--brand) 50%, white); } }
button {
  font: inherit; font-weight: 600; min-height: 2.75rem; padding: 0.625rem 1rem; cursor: pointer;
  border-radius: var(--radius); border: 1px solid var(--brand); background: var(--brand); color: var(--brand-text);
}
button.primary { width: 100%; }
button.secondary { background: transparent; color: var(--text); border-color: var(--border); }
button.link { background: none; border: none; color: var(--brand); text-decoration: underline; padding: 0; min-height: 0; font-weight: 400; }
@media (prefers-color-scheme: dark) { button.link { color: inherit; } }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 0 0 1rem; }
.actions > button, .actions > form { flex: 1 1 10rem; }
/* The form stretches to the row's height; as a flex box it passes that on to its button. */
.actions > form { display: flex; }
.actions > form button { width: 100%; }
a.button {
  display: flex; align-items: center; justify-content: center; min-height: 2.75rem; padding: 0.625rem 1rem;
  border-radius: var(--radius); border: 1px solid var(--border); color: var(--text); font-weight: 600; text-decoration: none;
}
a.button + a.button { margin-top: 0.75rem; }
.identities { list-style: none; padding: 0; display: grid; gap: 0.5rem; }
.identities li { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; justify-content: space-between; }
.passkeys { list-style: none; padding: 0; margin: 0 0 1rem; display: grid; gap: 0.75rem; }
.passkeys > li { border: 1px solid var(--border); border-radius: var(--radius); padding: 0.75rem 1rem; }
.passkey-head { display: flex; align-items: flex-start; justify-content: space-between; gap: 0.75rem; margin: 0 0 0.5rem; }
.passkey-name { margin: 0; padding-top: 0.625rem; overflow-wrap: anywhere; }
.passkeys .details { margin-bottom: 0.75rem; }
.passkeys summary {
  display: inline-flex; align-items: center; min-height: 2.75rem; padding: 0.625rem 1rem; cursor: pointer;
  border: 1px solid var(--border); border-radius: var(--radius); font-weight: 600; list-style: none;
}
.passkeys summary::-webkit-details-marker { display: none; }
.passkeys details form { margin-top: 0.75rem; }
.alert, .notice { border-radius: var(--radius); padding: 0.75rem 1rem; margin: 0 0 1rem; }
.alert { background: var(--error-bg); color: var(--error); border: 1px solid var(--error); }
.notice { background: var(--ok-bg); color: var(--ok); border: 1px solid var(--ok); }
.links { margin: 1rem 0 0; padding: 0; list-style: none; display: grid; gap: 0.5rem; }
.section { border-top: 1px solid var(--border); padding-top: 1.25rem; margin-top: 1.25rem; }
.details { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }
.details dt { color: var(--muted); }
.details dd { margin: 0; overflow-wrap: anywhere; }
.scopes { padding-left: 1.25rem; margin: 0 0 1rem; }
.scopes li { margin-bottom: 0.375rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
.inline-form { display: inline; }
`;
