import { html } from 'hono/html';
import type { Core } from '../core/context.ts';
import { identitiesView } from '../federation/account-identities.ts';
import { configuredProviders } from '../federation/providers.ts';
import type { PageExtension } from './extensions.ts';
import { hidden, submit } from './fields.ts';
import { pagePath } from './flow.ts';

/** "Continue with Google" buttons and the account page's linked-accounts section. */
export function federationPageExtension(core: Core): PageExtension {
  return {
    signInMethods({ request }) {
      return configuredProviders(core.config).map(
        ({ id, label }) =>
          html`<a class="button secondary provider" href="${pagePath(`/federation/${id}/start`, { request })}">Continue with ${label}</a>`,
      );
    },
    async accountSections({ user, csrf }) {
      if (configuredProviders(core.config).length === 0) return [];
      const view = await identitiesView(core, user);
      return [
        html`<section class="section" aria-labelledby="identities-heading">
<h2 id="identities-heading">Linked accounts</h2>
${view.linked.length === 0 ? html`<p>No accounts are linked.</p>` : ''}
<ul class="identities">${view.linked.map(
          (
            identity,
          ) => html`<li><span>${identity.label}${identity.email === null ? '' : ` (${identity.email})`}</span>
${
  view.linked.length > 1 || view.canUnlinkLast
    ? html`<form method="post" action="${identity.unlinkAction}">${hidden('csrf', csrf)}${submit(`Unlink ${identity.label}`, 'secondary')}</form>`
    : ''
}</li>`,
        )}</ul>
<div class="actions">${view.available.map(
          (provider) =>
            html`<form method="post" action="${provider.linkAction}">${hidden('csrf', csrf)}${submit(`Link ${provider.label}`, 'secondary')}</form>`,
        )}</div>
</section>`,
      ];
    },
  };
}
