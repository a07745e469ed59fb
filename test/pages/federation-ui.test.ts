import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { signedInBrowser } from '../oauth/fixtures.ts';

describe('hosted pages show one button per configured provider and a linked-accounts section', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      config: {
        providers: {
          google: { client_id: 'google-client', client_secret: 'google-secret' },
          corp: {
            type: 'oidc',
            label: 'Corp SSO',
            issuer: 'https://sso.corp.example',
            client_id: 'gh',
            client_secret: 's',
          },
        },
      },
    });
  });
  after(() => server.close());

  it('links each provider from the sign-in page, carrying the pending request', async () => {
    const page = await (await server.get('/login?request=abcdefghijklmnopqrstuv')).text();
    assert.match(
      page,
      /href="\/federation\/google\/start\?request=abcdefghijklmnopqrstuv"[^>]*>Continue with Google</,
    );
    assert.match(
      page,
      /href="\/federation\/corp\/start\?request=abcdefghijklmnopqrstuv"[^>]*>Continue with Corp SSO</,
    );
  });

  it('offers linking on the account page with CSRF-protected forms', async () => {
    const { cookie } = await signedInBrowser(server, 'linker@example.com');
    const page = await (await server.get('/account', { cookie })).text();
    assert.match(page, /<h2 id="identities-heading">Linked accounts<\/h2>/);
    assert.match(page, /No accounts are linked\./);
    assert.match(
      page,
      /<form method="post" action="\/account\/identities\/google\/link"><input type="hidden" name="csrf" value="[^"]+">/,
    );
    assert.match(page, />Link Corp SSO</);
  });
});
