import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CODES_PER_HOUR } from '../../src/core/accounts/codes.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe('security: one-time codes are capped per address and hour (no guessing across resends, no mail floods)', () => {
  let server: TestServer;
  const clock = new ManualClock(Date.now());
  before(async () => {
    server = await startTestServer({ overrides: { clock } });
  });
  after(() => server.close());

  const resetMails = (email: string) =>
    server.smtp.messages.filter((mail) => mail.to.includes(email) && mail.kind === 'reset_code').length;

  it(`mails at most ${CODES_PER_HOUR} reset codes an hour, answers 202 every time, and allows more after the hour`, async () => {
    const email = 'capped@example.com';
    await server.createConfirmedUser(email, 'correct horse battery staple');
    for (let i = 0; i < CODES_PER_HOUR + 3; i++) {
      assert.equal((await server.post('/v1/password/forgot', { email })).status, 202);
    }
    await server.smtp.waitFor(
      (mail) => mail.to.includes(email) && mail.kind === 'reset_code' && resetMails(email) >= CODES_PER_HOUR,
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // room for a (wrong) extra mail to arrive
    assert.equal(resetMails(email), CODES_PER_HOUR);

    clock.advance(61 * 60 * 1000);
    assert.equal((await server.post('/v1/password/forgot', { email })).status, 202);
    await server.smtp.waitFor(() => resetMails(email) === CODES_PER_HOUR + 1);
  });
});
