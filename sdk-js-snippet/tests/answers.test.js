'use strict';
// What the snippet does with the server's answers: 410, 401/403, 429/503 and other refusals,
// network errors, fresh tokens.
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
      b.setVisibility('hidden'); // during the back-off no heartbeat goes out, a change of state does
      assert.equal(b.messages('heartbeat').length, 1);
      assert.equal(b.messages('hidden').length, 1);
      await b.advance(1000);
      assert.equal(b.messages('heartbeat').length, 2, 'beats again after 30 s');
      b.fire('window', 'pagehide', { persisted: false });
      assert.equal(b.messages('exit').length, 1);
    });

    // Issue 15, defect 3: the hidden on entering the back/forward cache and the resume on restore
    // were dropped during a back-off, and no deferred exit was armed after the restore.
    it('during a back-off, entering the cache says hidden, and a restore says resume and arms a deferred exit', async () => {
      const b = started((r) => (r.body.type === 'heartbeat' ? { status: 503, headers: { 'Retry-After': '60' } } : live()));
      await b.advance(5000);
      b.fire('window', 'pagehide', { persisted: true });
      assert.equal(b.messages('hidden').length, 1);
      assert.equal(b.armed().length, 0);
      await b.advance(10000);
      b.fire('window', 'pageshow', { persisted: true });
      assert.equal(b.messages('resume').length, 1);
      assert.equal(b.armed().length, 1, 'the restored page arms its deferred exit again');
      assert.ok(b.armed()[0].body.seq > b.messages('resume')[0].body.seq);
    });

    it('429 with an HTTP-date Retry-After backs off until that date', async () => {
      let beats = 0;
      const b = started((r) =>
        r.body.type === 'heartbeat' && ++beats < 4
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

    it('429 without Retry-After retries after half an interval, within the heartbeat timeout', async () => {
      const b = started((r) => (r.body.type === 'heartbeat' ? { status: 429 } : live()));
      await b.advance(5000); // the first beat, refused, 4.5 s after the start
      assert.equal(b.messages('heartbeat').length, 1);
      await b.advance(1500);
      assert.equal(b.messages('heartbeat').length, 1, 'not at once');
      await b.advance(1000);
      assert.equal(b.messages('heartbeat').length, 2);
    });

    // Issue 15, defect 2: two 502s in a row left more than the 15 s timeout between accepted
    // beats (5, then 10 s of back-off), and the server released a visible, live page.
    for (const refusals of [1, 2, 3]) {
      it(`${refusals} transient refusal(s) in a row without Retry-After leave less than 3 intervals between accepted beats`, async () => {
        let left = 0;
        let lastAccepted = 0;
        let longest = 0;
        let beats = 0;
        const b = started((r) => {
          if (r.body.type === 'heartbeat' && ++beats === 2) left = refusals;
          if (r.body.type === 'heartbeat' && left > 0) {
            left--;
            return { status: 502, json: 'Bad Gateway' };
          }
          longest = Math.max(longest, b.now - lastAccepted);
          lastAccepted = b.now;
          return live();
        });
        lastAccepted = b.now;
        await b.advance(60000);
        assert.ok(longest < 15000, 'longest gap between accepted beats: ' + longest);
        assert.ok(b.now - lastAccepted < 5000, 'beats go on');
      });
    }

    // Issue 15, defect 1: a deferred exit with an activateAfter fired while the page lived (a
    // back-off, throttled timers, a blocked main thread). Without one it waits for the document's end.
    it('a deferred exit armed during a back-off has no activateAfter: nothing fires while the page lives', async () => {
      const b = started((r) => (r.body.type === 'heartbeat' ? { status: 429, headers: { 'Retry-After': '60' } } : live()));
      b.setVisibility('hidden');
      await b.advance(5000);
      assert.equal(b.armed().length, 1);
      assert.ok(b.deferred.every((d) => d.activateAfter === undefined));
      await b.advance(300000);
      assert.deepEqual(b.fired, []);
      b.crash();
      assert.deepEqual(b.fired.map((r) => r.body.type), ['exit'], 'the armed exit goes out at the document\'s end');
    });

    it('network errors are retried within the heartbeat timeout, and beats go on once the server answers', async () => {
      let down = true;
      const b = started((r) => (r.body.type === 'heartbeat' && down ? new TypeError('Failed to fetch') : live()));
      await b.advance(7500);
      assert.equal(b.messages('heartbeat').length, 2, 'a retry half an interval after the failure');
      down = false;
      await b.advance(5000);
      assert.ok(b.messages('heartbeat').length >= 3);
      assert.equal(b.window.Farewell.running, true);
    });

    // Issue 15, defect 4: 133 beats in 10 minutes against a dead endpoint (or a cross-origin
    // 403 without CORS headers, which the page sees as a network error).
    it('network errors back off like refusals: a dead endpoint gets about one request a minute', async () => {
      const b = started(() => new TypeError('Failed to fetch'));
      await b.advance(600000);
      const beats = b.messages('heartbeat').length;
      // retries every half interval up to the server's deadline (15 s), then 5, 10, 20, 40, 60 s
      assert.ok(beats <= 18, 'heartbeats in 10 minutes: ' + beats);
      assert.equal(b.window.Farewell.running, true);
    });

    it('a fresh token in the answer replaces the old one, in messages and the deferred exit', async () => {
      const b = started((r) => (r.body.type === 'heartbeat' ? live({ token: 'tok-2' }) : live()));
      b.setVisibility('hidden');
      await b.advance(5000);
      assert.equal(b.armed()[0].body.token, 'tok-2');
      await b.advance(5000);
      assert.equal(b.messages('heartbeat').at(-1).body.token, 'tok-2');
      b.fire('window', 'pagehide', { persisted: false });
      assert.equal(b.messages('exit')[0].body.token, 'tok-2');
    });

    it('heartbeatMs from the answer sets the interval', async () => {
      const b = started(() => live({ heartbeatMs: 20000 }));
      b.setVisibility('hidden');
      await b.settle();
      await b.advance(15000);
      assert.equal(b.messages('heartbeat').length, 0);
      await b.advance(5000);
      assert.equal(b.messages('heartbeat').length, 1);
    });

    // Issue 15, defect 8: 2^32 ms (with jitter past 2^31) wrapped to 0 in setTimeout: a tight loop.
    it('a heartbeatMs too long for setTimeout is ignored', async () => {
      const b = started(() => live({ heartbeatMs: 2 ** 32 }));
      await b.advance(20000);
      const beats = b.messages('heartbeat').length;
      assert.ok(beats >= 3 && beats <= 5, 'beats at the old interval: ' + beats);
    });

    it('a silly heartbeatMs is ignored', async () => {
      const b = started(() => live({ heartbeatMs: 5 }));
      await b.advance(4000);
      assert.equal(b.messages('heartbeat').length, 0);
    });

    // Times (ms after the start) at which heartbeats left the page, stepping the clock by 250 ms.
    const beatTimes = async (b, ms) => {
      const origin = b.now;
      const times = [];
      for (let t = 0; t < ms; t += 250) {
        const before = b.messages('heartbeat').length;
        await b.advance(250);
        if (b.messages('heartbeat').length > before) times.push(b.now - origin);
      }
      return times;
    };
    const gaps = (times) => times.slice(1).map((t, i) => t - times[i]);

    for (const [status, reason] of [[401, 'UNAUTHORIZED'], [403, 'FORBIDDEN']]) {
      it(`${status} stops beating and tells the page ${reason} through onReleased and the event`, async () => {
        const reasons = [];
        const b = started(
          (r) => (r.body.type === 'heartbeat' ? { status, json: { status: 'error', error: 'x' } } : live()),
          { onReleased: (why) => reasons.push(why) }
        );
        const events = [];
        b.window.addEventListener('farewell:released', (e) => events.push(e.detail.reason));
        await b.advance(5000);
        assert.deepEqual(reasons, [reason]);
        assert.deepEqual(events, [reason]);
        assert.equal(b.window.Farewell.running, false);
        assert.equal(b.armed().length, 0, 'no deferred exit stays armed');
        await b.advance(120000);
        b.setVisibility('hidden');
        b.fire('window', 'pagehide', { persisted: false });
        assert.deepEqual(b.types(), ['open', 'heartbeat'], 'no request follows one that cannot succeed');
      });
    }

    it('401 to the open message stops before any heartbeat, also without a JSON body', async () => {
      const reasons = [];
      const b = started(() => ({ status: 401 }), { onReleased: (why) => reasons.push(why) });
      await b.advance(60000);
      assert.deepEqual(reasons, ['UNAUTHORIZED']);
      assert.deepEqual(b.types(), ['open']);
    });

    it('401 in cookie mode (no session for the cookie) stops the same way', async () => {
      const reasons = [];
      const b = createBrowser({ target, script: { 'data-token': '' } });
      b.respond = () => ({ status: 401, json: { status: 'error', error: 'unauthorized' } });
      b.load();
      b.window.addEventListener('farewell:released', (e) => reasons.push(e.detail.reason));
      await b.advance(30000);
      assert.deepEqual(reasons, ['UNAUTHORIZED']);
      assert.equal(b.messages('heartbeat').length, 0);
    });

    it('onReleased after a 401 may start again with a fresh token', async () => {
      const b = started((r) => (r.body.token === 'tok-1' ? { status: 401 } : live()), {
        onReleased: () => b.window.Farewell.start({ token: 'tok-2' }),
      });
      await b.advance(10000);
      assert.equal(b.window.Farewell.running, true);
      assert.ok(b.messages('heartbeat').length >= 1);
      assert.ok(b.messages('heartbeat').every((m) => m.body.token === 'tok-2'));
    });

    it('503 backs off for Retry-After seconds like 429, then beats again', async () => {
      let full = true;
      const b = started((r) =>
        r.body.type === 'heartbeat' && full ? { status: 503, headers: { 'Retry-After': '20' }, json: { status: 'error', error: 'full' } } : live()
      );
      await b.advance(5000);
      assert.equal(b.messages('heartbeat').length, 1);
      full = false;
      await b.advance(19000);
      b.setVisibility('hidden');
      assert.equal(b.messages('heartbeat').length, 1, 'no heartbeat during the back-off');
      assert.equal(b.messages('hidden').length, 1, 'a change of state goes out');
      await b.advance(1000);
      assert.equal(b.messages('heartbeat').length, 2, 'beats again after 20 s');
      assert.equal(b.window.Farewell.running, true);
    });

    it('503 without Retry-After retries three times half an interval apart, then waits one interval, twice as long each time, at most a minute', async () => {
      let full = true;
      const b = started((r) => (r.body.type === 'heartbeat' && full ? { status: 503, json: { status: 'error', error: 'unavailable' } } : live()));
      const during = await beatTimes(b, 200000);
      // half an interval apart up to the server's deadline (3 intervals after the accepted open)
      assert.deepEqual(gaps(during), [2500, 2500, 2500, 2500, 2500, 5000, 10000, 20000, 40000, 60000], 'beats at ' + during);
      assert.equal(b.window.Farewell.running, true);
      full = false;
      const after = await beatTimes(b, 90000);
      assert.ok(after[0] <= 60000, 'the next beat comes within the minute: ' + after);
      assert.ok(after.length >= 7, 'then one beat per interval: ' + after);
      assert.ok(gaps(after).every((gap) => gap <= 5000), 'gaps ' + gaps(after));
      full = true;
      const again = await beatTimes(b, 20000);
      assert.equal(gaps(again)[0], 2500, 'an accepted beat starts the back-off over: ' + again);
    });

    it('the back-off grows past a minute with a longer heartbeatMs, never below one interval after the quick retries', async () => {
      let n = 0;
      const b = started(() => (n++ === 0 ? live({ heartbeatMs: 90000 }) : { status: 503 }));
      await b.settle();
      const times = await beatTimes(b, 400000);
      assert.deepEqual(gaps(times), [45000, 45000, 45000, 45000, 45000, 90000], 'beats at ' + times);
    });

    it('400 does not stop the page: it backs off, beats again, and the exit still goes out', async () => {
      let bad = true;
      const reasons = [];
      const b = started(
        (r) => (r.body.type === 'heartbeat' && bad ? { status: 400, json: { status: 'error', error: 'malformed', message: 'x' } } : live()),
        { onReleased: (why) => reasons.push(why) }
      );
      const during = await beatTimes(b, 40000);
      assert.deepEqual(gaps(during), [2500, 2500, 2500, 2500, 2500, 5000, 10000], 'beats at ' + during);
      bad = false;
      await b.advance(30000);
      assert.equal(b.window.Farewell.running, true);
      assert.deepEqual(reasons, []);
      b.fire('window', 'pagehide', { persisted: false });
      assert.equal(b.messages('exit').length, 1);
    });

    it('other failures (404, 500, 502, not JSON) back off the same way and never stop the page', async () => {
      for (const reply of [{ status: 404 }, { status: 500 }, { status: 502, json: 'Bad Gateway' }, { status: 302 }]) {
        const b = started((r) => (r.body.type === 'heartbeat' ? reply : live()));
        const times = await beatTimes(b, 40000);
        assert.deepEqual(gaps(times), [2500, 2500, 2500, 2500, 2500, 5000, 10000], reply.status + ': beats at ' + times);
        assert.equal(b.window.Farewell.running, true);
      }
    });

    it('a 200 without a JSON body changes nothing and beats go on', async () => {
      const b = started(() => ({ status: 200 }));
      await b.advance(15000);
      assert.equal(b.messages('heartbeat').length, 3);
      assert.equal(b.window.Farewell.running, true);
    });

    it('a 200 exiting (the answer to an exit) changes neither the interval nor the token', async () => {
      const b = started((r) => (r.body.type === 'open' ? live({ heartbeatMs: 2000 }) : { status: 200, json: { status: 'exiting' } }));
      await b.advance(10000);
      const beats = b.messages('heartbeat');
      assert.ok(beats.length >= 5, 'beats at the 2 s interval: ' + beats.length);
      assert.ok(beats.every((m) => m.body.token === 'tok-1'));
      assert.equal(b.window.Farewell.running, true);
    });

    it('an answer to a message sent before a restart is ignored', async () => {
      const reasons = [];
      const b = started((r) => (r.body.token === 'tok-1' ? { status: 401 } : live()), {
        onReleased: (why) => reasons.push(why),
      });
      // The open of tok-1 is on its way; the page restarts with another token before it is answered.
      b.window.Farewell.start({ token: 'tok-2', onReleased: (why) => reasons.push(why) });
      await b.advance(10000);
      assert.deepEqual(reasons, []);
      assert.equal(b.window.Farewell.running, true);
      assert.ok(b.messages('heartbeat').length >= 2);
    });

    it('an answer arriving after stop changes nothing', async () => {
      const reasons = [];
      const b = started(() => released('TIMEOUT'), { onReleased: (why) => reasons.push(why) });
      b.window.Farewell.stop();
      await b.advance(10000);
      assert.deepEqual(reasons, []);
    });
  });
}
