'use strict';
// What the snippet does with the server's answers: 410, 429, network errors, fresh tokens.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { createBrowser, TARGETS } = require('./fake-browser.js');

for (const target of Object.keys(TARGETS)) {
  describe(`server answers (${target})`, () => {
    const started = (respond, options) => {
      const b = createBrowser({ target });
      if (respond) b.respond = respond;
      b.load().start(Object.assign({ token: 'tok-1' }, options));
      return b;
    };
    const live = (extra) => ({ status: 200, json: Object.assign({ status: 'live', heartbeatMs: 5000 }, extra) });
    const released = (reason) => ({ status: 410, json: { status: 'released', reason } });

    it('410 calls onReleased with the reason, dispatches farewell:released and stops', async () => {
      const reasons = [];
      const b = started((r) => (r.body.type === 'heartbeat' ? released('TIMEOUT') : live()), {
        onReleased: (reason) => reasons.push(reason),
      });
      const events = [];
      b.window.addEventListener('farewell:released', (e) => events.push(e.detail.reason));
      await b.advance(5000);
      assert.deepEqual(reasons, ['TIMEOUT']);
      assert.deepEqual(events, ['TIMEOUT']);
      assert.equal(b.window.Farewell.running, false);
      const count = b.sent.length;
      b.setVisibility('hidden');
      b.fire('window', 'pagehide', { persisted: false });
      await b.advance(60000);
      assert.equal(b.sent.length, count, 'nothing is sent after the release');
      assert.equal(b.armed().length, 0, 'no deferred exit stays armed');
    });

    it('410 to the open message releases at once, without a body it says UNKNOWN', async () => {
      const reasons = [];
      started(() => ({ status: 410 }), { onReleased: (reason) => reasons.push(reason) });
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(reasons, ['UNKNOWN']);
    });

    it('onReleased may start the snippet again', async () => {
      let calls = 0;
      const b = started(() => (calls++ === 0 ? released('EXPLICIT') : live()), {
        onReleased: () => b.window.Farewell.start({ token: 'tok-2' }),
      });
      await b.settle();
      assert.equal(b.window.Farewell.running, true);
      assert.equal(b.sent.at(-1).body.token, 'tok-2');
    });

    it('429 backs off for Retry-After seconds, then beats again', async () => {
      let limited = true;
      const b = started((r) => (r.body.type === 'heartbeat' && limited ? { status: 429, headers: { 'Retry-After': '30' } } : live()));
      await b.advance(5000);
      assert.equal(b.messages('heartbeat').length, 1);
      limited = false;
      await b.advance(29000);
      b.setVisibility('hidden'); // during the back-off nothing but an exit goes out
      assert.equal(b.messages('heartbeat').length, 1);
      assert.equal(b.messages('hidden').length, 0);
      await b.advance(1000);
      assert.equal(b.messages('heartbeat').length, 2, 'beats again after 30 s');
      b.fire('window', 'pagehide', { persisted: false });
      assert.equal(b.messages('exit').length, 1);
    });

    it('429 with an HTTP-date Retry-After backs off until that date', async () => {
      const b = started((r) =>
        r.body.type === 'heartbeat' && r.body.seq < 5
          ? { status: 429, headers: { 'Retry-After': new Date(b.now + 20000).toUTCString() } }
          : live()
      );
      await b.advance(5000);
      assert.equal(b.messages('heartbeat').length, 1);
      await b.advance(17000); // the date has whole seconds: about 19.5 s after the 429
      assert.equal(b.messages('heartbeat').length, 1);
      await b.advance(4000);
      assert.equal(b.messages('heartbeat').length, 2);
    });

    it('429 without Retry-After waits at least one interval', async () => {
      const b = started((r) => (r.body.type === 'heartbeat' ? { status: 429 } : live()));
      await b.advance(5000);
      await b.advance(3000);
      assert.equal(b.messages('heartbeat').length, 1);
    });

    it('a deferred exit armed during a back-off waits out the back-off too', async () => {
      const b = started((r) => (r.body.type === 'heartbeat' ? { status: 429, headers: { 'Retry-After': '60' } } : live()));
      await b.advance(5000);
      assert.ok(b.armed()[0].activateAfter >= 60000 + 15000 - 1);
    });

    it('network errors are retried at the next beat', async () => {
      let down = true;
      const b = started(() => (down ? new TypeError('Failed to fetch') : live()));
      await b.advance(10000);
      assert.equal(b.messages('heartbeat').length, 2);
      down = false;
      await b.advance(5000);
      assert.equal(b.messages('heartbeat').length, 3);
      assert.equal(b.window.Farewell.running, true);
    });

    it('a fresh token in the answer replaces the old one, in messages and the deferred exit', async () => {
      const b = started((r) => (r.body.type === 'heartbeat' ? live({ token: 'tok-2' }) : live()));
      await b.advance(5000);
      assert.equal(b.armed()[0].body.token, 'tok-2');
      await b.advance(5000);
      assert.equal(b.messages('heartbeat').at(-1).body.token, 'tok-2');
      b.fire('window', 'pagehide', { persisted: false });
      assert.equal(b.messages('exit')[0].body.token, 'tok-2');
    });

    it('heartbeatMs from the answer sets the interval and the deferred exit delay', async () => {
      const b = started(() => live({ heartbeatMs: 20000 }));
      await b.settle();
      assert.equal(b.armed()[0].activateAfter, 60000);
      await b.advance(15000);
      assert.equal(b.messages('heartbeat').length, 0);
      await b.advance(5000);
      assert.equal(b.messages('heartbeat').length, 1);
    });

    it('a silly heartbeatMs is ignored', async () => {
      const b = started(() => live({ heartbeatMs: 5 }));
      await b.advance(4000);
      assert.equal(b.messages('heartbeat').length, 0);
    });

    it('other errors (401, 500, not JSON) change nothing and beats go on', async () => {
      let n = 0;
      const b = started(() => [{ status: 401, json: { status: 'error' } }, { status: 500 }, { status: 200 }][n++ % 3]);
      await b.advance(15000);
      assert.equal(b.messages('heartbeat').length, 3);
      assert.equal(b.window.Farewell.running, true);
    });
  });
}
