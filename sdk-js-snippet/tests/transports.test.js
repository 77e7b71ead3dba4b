'use strict';
// How messages leave the page: sendBeacon, fetch keepalive, fetchLater, and the worker timer.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { createBrowser, TARGETS, BEACON_URL, WORKER_URL, ORIGIN } = require('./fake-browser.js');

for (const target of Object.keys(TARGETS)) {
  describe(`transports (${target})`, () => {
    const browser = (prepare) => {
      const b = createBrowser({ target, script: { 'data-token': 'tok-1' } });
      if (prepare) prepare(b.window, b);
      b.load();
      return b;
    };
    const exitOf = (b) => {
      b.fire('window', 'pagehide', { persisted: false });
      const exits = b.messages('exit');
      assert.equal(exits.length, 1, 'exactly one exit: ' + b.types());
      return exits[0];
    };

    // The transports of the exit message, one request each.
    const exitVias = (b) => b.sent.filter((r) => r.body && r.body.type == 'exit').map((r) => r.via);

    // Firefox ESR 153 dropped the queued beacon of a tab that was the last of its content process
    // (2 to 3 closes in 100 in real Firefox); its keepalive fetch outlives the process.
    it('the exit goes by fetch keepalive and by sendBeacon, the same string body by both', () => {
      const b = browser();
      const exit = exitOf(b);
      assert.deepEqual(exitVias(b), ['fetch', 'beacon']);
      const [byFetch, byBeacon] = b.sent.filter((r) => r.body && r.body.type == 'exit');
      assert.equal(typeof byBeacon.raw, 'string');
      assert.equal(byFetch.raw, byBeacon.raw, 'one message: the server ignores the second copy (same seq)');
      assert.equal(byFetch.init.keepalive, true);
      assert.equal(byFetch.init.method, 'POST');
      assert.equal(exit.url, BEACON_URL);
      assert.equal(byBeacon.url, BEACON_URL);
    });

    it('when fetch is missing or throws the exit goes by sendBeacon', () => {
      const missing = browser((w) => delete w.fetch);
      exitOf(missing);
      assert.deepEqual(exitVias(missing), ['beacon']);
      const throwing = browser((w) => {
        w.fetch = () => {
          throw new TypeError('keepalive quota');
        };
      });
      exitOf(throwing);
      assert.deepEqual(exitVias(throwing), ['beacon']);
    });

    it('when sendBeacon returns false the exit goes by fetch keepalive', () => {
      const b = browser((w, b) => {
        w.navigator.sendBeacon = (url, data) => {
          b.sent.push({ via: 'refused', body: undefined });
          return false;
        };
      });
      const exit = exitOf(b);
      assert.equal(exit.via, 'fetch');
      assert.equal(exit.init.keepalive, true);
      assert.equal(exit.init.method, 'POST');
    });

    it('when sendBeacon is missing the exit goes by fetch keepalive', () => {
      const exit = exitOf(browser((w) => delete w.navigator.sendBeacon));
      assert.equal(exit.via, 'fetch');
      assert.equal(exit.init.keepalive, true);
    });

    it('when sendBeacon throws the exit goes by fetch keepalive', () => {
      const b = browser((w) => {
        w.navigator.sendBeacon = () => {
          throw new TypeError('Illegal invocation');
        };
      });
      assert.equal(exitOf(b).via, 'fetch');
    });

    it('when fetch is missing heartbeats go by sendBeacon', async () => {
      const b = browser((w) => delete w.fetch);
      await b.advance(5000);
      assert.deepEqual(b.sent.map((r) => r.via + ':' + r.body.type), ['beacon:open', 'beacon:heartbeat']);
    });

    it('when fetch throws at once heartbeats go by sendBeacon', async () => {
      const b = browser((w) => {
        w.fetch = () => {
          throw new TypeError('keepalive quota');
        };
      });
      await b.advance(5000);
      assert.deepEqual(b.sent.map((r) => r.via + ':' + r.body.type), ['beacon:open', 'beacon:heartbeat']);
    });

    it('with neither fetch nor sendBeacon nothing is sent and nothing throws', async () => {
      const b = browser((w) => {
        delete w.fetch;
        delete w.navigator;
      });
      await b.advance(10000);
      b.setVisibility('hidden');
      b.fire('window', 'pagehide', { persisted: false });
      assert.deepEqual(b.sent, []);
    });

    for (const visibility of ['visible', 'hidden']) {
      it(`fetchLater keeps exactly one deferred exit armed on a ${visibility} page, re-armed with each message, sent only at the document's end`, async () => {
        const b = browser();
        if (visibility === 'hidden') b.setVisibility('hidden');
        await b.advance(16000);
        assert.ok(b.deferred.length >= 4, 'armed ' + b.deferred.length);
        assert.equal(b.armed().length, 1);
        const armed = b.armed()[0];
        assert.equal(armed.url, BEACON_URL);
        assert.equal(armed.body.type, 'exit');
        assert.equal(armed.activateAfter, undefined, 'no timer that could send it while the page lives');
        assert.ok(armed.body.seq > b.sent.at(-1).body.seq, 'armed after the last message');
        assert.deepEqual(b.fired, []);
        b.crash();
        assert.deepEqual(b.fired.map((r) => r.body.seq), [armed.body.seq]);
      });
    }

    it('the deferred exit is aborted before the real exit is sent', () => {
      const b = browser();
      b.setVisibility('hidden');
      const armed = b.armed()[0];
      let abortedFirst = null;
      b.window.navigator.sendBeacon = (url, data) => {
        abortedFirst = armed.aborted;
        b.sent.push({ via: 'beacon', raw: data, body: JSON.parse(data) });
        return true;
      };
      exitOf(b);
      assert.equal(abortedFirst, true);
      assert.equal(b.armed().length, 0);
    });

    it('without fetchLater, or without AbortController to disarm it, nothing is deferred', () => {
      for (const api of ['fetchLater', 'AbortController']) {
        const b = browser((w) => delete w[api]);
        assert.equal(b.deferred.length, 0, api);
        exitOf(b);
        assert.deepEqual(exitVias(b), ['fetch', 'beacon']);
      }
    });

    it('a throwing fetchLater changes nothing else', async () => {
      const b = browser((w) => {
        w.fetchLater = () => {
          throw new DOMException('quota', 'QuotaExceededError');
        };
      });
      await b.advance(5000);
      assert.deepEqual(b.types(), ['open', 'heartbeat']);
      exitOf(b);
      assert.deepEqual(exitVias(b), ['fetch', 'beacon']);
    });

    it('a same-origin worker script next to the endpoint sends the beats, a page timer only watches it', async () => {
      const b = browser();
      assert.equal(b.workers.length, 1);
      assert.equal(b.workers[0].url, WORKER_URL, "no blob: worker (CSP worker-src 'self')");
      await b.advance(100);
      const watch = () => b.pageTimers().map((t) => t.due - b.now);
      assert.equal(watch().length, 1);
      assert.ok(watch()[0] > 10000, 'the watch waits two intervals past the due beat: ' + watch());
      await b.advance(20000);
      assert.ok(b.messages('heartbeat').length >= 4);
      assert.equal(watch().length, 1);
      assert.ok(watch()[0] > 10000, 'each beat of the worker puts the watch off: ' + watch());
    });

    it('without Worker the page timers drive the beat', async () => {
      const b = browser((w) => delete w.Worker);
      await b.advance(20000);
      assert.ok(b.messages('heartbeat').length >= 4);
      assert.equal(b.pageTimers().length, 1);
    });

    it('a worker refused at once (CSP, Trusted Types) falls back to page timers', async () => {
      const b = browser((w) => {
        w.Worker = function () {
          throw new DOMException('refused by worker-src', 'SecurityError');
        };
      });
      await b.advance(20000);
      assert.ok(b.messages('heartbeat').length >= 4);
    });

    it('a worker that fails later with an error event falls back to page timers', async () => {
      const b = browser((w) => {
        const Real = w.Worker;
        w.Worker = function (url) {
          const worker = new Real(url);
          worker.scope.onmessage = null; // the script never ran
          w.setTimeout(() => worker.onerror({ type: 'error' }), 0);
          return worker;
        };
      });
      await b.advance(20000);
      assert.ok(b.messages('heartbeat').length >= 3, 'beats: ' + b.messages('heartbeat').length);
      assert.ok(b.workers[0].terminated);
    });

    it('with the option worker: false no worker runs and page timers drive the beat', async () => {
      const b = createBrowser({ target });
      b.load().start({ token: 't', worker: false });
      await b.advance(10000);
      assert.equal(b.workers.length, 0);
      assert.ok(b.messages('heartbeat').length >= 2);
    });

    it('the worker option names another worker script, resolved against the endpoint', () => {
      const b = createBrowser({ target });
      const urls = [];
      b.window.Worker = function (url) {
        urls.push(String(url));
        throw new Error('not served');
      };
      b.load().start({ token: 't', endpoint: '/api/beacon', worker: 'fw.js' });
      assert.deepEqual(urls, [ORIGIN + '/api/fw.js']);
    });
  });
}

for (const target of Object.keys(TARGETS)) {
  describe(`observing the timer (${target})`, () => {
    it('Farewell.worker tells whether a worker drives the beat', async () => {
      const withWorker = createBrowser({ target });
      withWorker.load().start({ token: 't' });
      assert.equal(withWorker.window.Farewell.worker, true);
      withWorker.window.Farewell.stop();
      assert.equal(withWorker.window.Farewell.worker, false);

      const without = createBrowser({ target });
      delete without.window.Worker;
      without.load().start({ token: 't' });
      assert.equal(without.window.Farewell.worker, false);
    });
  });
}
