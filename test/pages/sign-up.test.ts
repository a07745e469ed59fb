import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { extractCode } from '../helpers/smtp-capture.ts';
import { Browser, csrfFrom, SESSION_COOKIE } from './browser.ts';
import { type PageServer, startPageServer } from './page-server.ts';

const PASSWORD = 'correct horse battery';
const REQUEST = 'Rq-0123456789abcdefXYZ';

describe('hosted sign-up and email confirmation pages', () => {
  let server: PageServer;
  before(async () => {
    server = await startPageServer();
  });
  after(() => server.close());

  it('has labelled email, password and optional name fields', async () => {
    const page = await new Browser(server.url).get(`/signup?request=${REQUEST}`);
    assert.equal(page.status, 200);
    for (const [name, label] of [
      ['email', 'Email'],
      ['password', 'Password'],
      ['name', 'Name \\(optional\\)'],
    ]) {
      assert.match(
        page.html,
        new RegExp(`<label for="f-${name}">${label}</label>\\s*<input id="f-${name}" name="${name}"`),
      );
    }
    assert.match(page.html, /name="password" type="password" autocomplete="new-password"/);
    assert.match(page.html, /name="name" type="text" autocomplete="name"(?![^>]*required)/);
    assert.match(page.html, new RegExp(`name="request" value="${REQUEST}"`));
    assert.match(page.html, /<button type="submit"[^>]*>Create account<\/button>/);
  });

  it('signs up, confirms the code and signs in, carrying the request handle throughout', async () => {
    const browser = new Browser(server.url);
    const signup = await browser.submit(`/signup?request=${REQUEST}`, '/signup', {
      request: REQUEST,
      email: 'grace@example.com',
      password: PASSWORD,
      name: 'Grace Hopper',
    });
    assert.equal(signup.status, 303);
    assert.equal(signup.location, `/signup/verify?email=grace%40example.com&request=${REQUEST}`);

    const verify = await browser.get(signup.location ?? '');
    assert.match(verify.html, /We sent a 6-digit code to <strong>grace@example\.com<\/strong>/);
    assert.match(verify.html, /<input type="hidden" name="email" value="grace@example\.com">/);
    assert.match(
      verify.html,
      /<label for="f-code">Code<\/label>\s*<input id="f-code" name="code" type="text" autocomplete="one-time-code" required inputmode="numeric"/,
    );
    const mail = await server.smtp.waitFor({ to: 'grace@example.com', kind: 'signup_code' });
    const code = extractCode(mail.text);

    const wrong = await browser.post('/signup/verify', {
      csrf: csrfFrom(verify.html),
      request: REQUEST,
      email: 'grace@example.com',
      code: code === '000000' ? '111111' : '000000',
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.html, /role="alert"[^>]*>That code is wrong, expired or already used\./);
    assert.match(wrong.html, /id="f-code"[^>]*aria-invalid="true"[^>]*autofocus/);

    const confirmed = await browser.post('/signup/verify', {
      csrf: csrfFrom(wrong.html),
      request: REQUEST,
      email: 'grace@example.com',
      code: `${code.slice(0, 3)} ${code.slice(3)}`,
    });
    assert.equal(confirmed.status, 303);
    assert.equal(confirmed.location, `/login?request=${REQUEST}&email=grace%40example.com&verified=1`);

    const login = await browser.get(confirmed.location ?? '');
    assert.match(login.html, /Email confirmed — sign in\./);
    assert.match(login.html, /value="grace@example\.com"/);
    const signedIn = await browser.post('/login', {
      csrf: csrfFrom(login.html),
      request: REQUEST,
      email: 'grace@example.com',
      password: PASSWORD,
    });
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.location, `/oauth/authorize/continue?request=${REQUEST}`);
    assert.ok(browser.cookies.has(SESSION_COOKIE));
    const user = await server.core.store.getUserByEmail('grace@example.com');
    assert.equal(user?.name, 'Grace Hopper');
  });

  it('answers an existing email exactly like a new one', async () => {
    await server.createConfirmedUser('taken@example.com', PASSWORD);
    const browser = new Browser(server.url);
    const response = await browser.submit('/signup', '/signup', {
      email: 'taken@example.com',
      password: 'another long password',
    });
    assert.equal(response.status, 303);
    assert.equal(response.location, '/signup/verify?email=taken%40example.com');
    await server.smtp.waitFor({ to: 'taken@example.com', kind: 'signup_existing' });
  });

  it('re-renders with the typed email and name and a field error on a weak password', async () => {
    const browser = new Browser(server.url);
    const response = await browser.submit('/signup', '/signup', {
      email: 'weak@example.com',
      password: 'short',
      name: 'W',
    });
    assert.equal(response.status, 400);
    assert.match(response.html, /Password must be at least 8 characters\./);
    assert.match(response.html, /value="weak@example\.com"/);
    assert.match(response.html, /id="f-name"[^>]*value="W"/);
    assert.match(
      response.html,
      /id="f-password"[^>]*aria-invalid="true"[^>]*aria-describedby="f-password-error f-password-hint"[^>]*autofocus/,
    );
    assert.equal(await server.core.store.getUserByEmail('weak@example.com'), null);
  });

  it('refuses an invalid email with 400 and focuses the field', async () => {
    const browser = new Browser(server.url);
    const response = await browser.submit('/signup', '/signup', {
      email: 'not an email',
      password: PASSWORD,
    });
    assert.equal(response.status, 400);
    assert.match(response.html, /id="f-email"[^>]*aria-invalid="true"[^>]*autofocus/);
  });

  it('escapes a hostile name when re-rendering it', async () => {
    const browser = new Browser(server.url);
    const response = await browser.submit('/signup', '/signup', {
      email: 'x@example.com',
      password: 'short',
      name: '"><script>alert(1)</script>',
    });
    assert.doesNotMatch(response.html, /<script>alert/);
    assert.match(response.html, /value="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
  });

  it('sends a new code from the verify page and redirects back to it', async () => {
    const browser = new Browser(server.url);
    await browser.submit('/signup', '/signup', { email: 'resend@example.com', password: PASSWORD });
    await server.smtp.waitFor({ to: 'resend@example.com', kind: 'signup_code' });
    const response = await browser.submit(
      '/signup/verify?email=resend%40example.com',
      '/signup/verify/resend',
      {
        email: 'resend@example.com',
      },
    );
    assert.equal(response.status, 303);
    assert.equal(response.location, '/signup/verify?email=resend%40example.com&resent=1');
    const mail = await server.smtp.waitFor({ to: 'resend@example.com', kind: 'signup_code' });
    const page = await browser.get(response.location ?? '');
    assert.match(page.html, /a new code is on its way/);
    const confirmed = await browser.post('/signup/verify', {
      csrf: csrfFrom(page.html),
      email: 'resend@example.com',
      code: extractCode(mail.text),
    });
    assert.equal(confirmed.status, 303);
  });

  it('asks for the email on the verify page when the link lacks it', async () => {
    const page = await new Browser(server.url).get('/signup/verify');
    assert.match(page.html, /<label for="f-email">Email<\/label>/);
  });
});

describe('sign-up when closed', () => {
  let server: PageServer;
  before(async () => {
    server = await startPageServer({ config: { signup: { enabled: false } } });
  });
  after(() => server.close());

  it('says sign-up is closed, hides the link from sign-in and refuses posts', async () => {
    const browser = new Browser(server.url);
    const page = await browser.get('/signup');
    assert.equal(page.status, 200);
    assert.match(page.html, /Sign-up is closed/);
    assert.doesNotMatch(page.html, /name="password"/);
    const login = await browser.get('/login');
    assert.doesNotMatch(login.html, /href="\/signup/);
    const post = await browser.post('/signup', {
      csrf: csrfFrom(login.html),
      email: 'a@example.com',
      password: PASSWORD,
    });
    assert.equal(post.status, 403);
    assert.equal(await server.core.store.getUserByEmail('a@example.com'), null);
  });
});
