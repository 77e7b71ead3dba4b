'use strict';
// The snippet never hurts the host page: missing or throwing browser APIs, hostile
// callbacks, a second copy of the script, and no global but Farewell.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { createBrowser, TARGETS } = require('./fake-browser.js');

const PAGE_ID = /^[A-Za-z0-9_-]{8,64}$/;
const boom = () => {
  throw new Error('boom');
};

// Runs a whole page life and asserts that nothing threw into the page.
async function livePageLife(b) {
  const api = b.window.Farewell;
  assert.doesNotThrow(() => api.start({ token: 'tok-1', onReleased: () => {} }));
  await b.advance(11000);
  assert.equal(b.window.confirm('Still there?'), undefined); // the fake user answers nothing
  assert.doesNotThrow(() => b.setVisibility('hidden'));
  assert.doesNotThrow(() => b.setVisibility('visible'));
  assert.doesNotThrow(() => b.fire('document', 'freeze'));
  assert.doesNotThrow(() => b.fire('document', 'resume'));
  assert.doesNotThrow(() => b.click(b.link({ href: '/next' })));
  assert.doesNotThrow(() => b.submit(b.form({ action: '/next' })));
  assert.doesNotThrow(() => b.fire('window', 'pagehide', { persisted: true }));
  assert.doesNotThrow(() => b.fire('window', 'pageshow', { persisted: true }));
  assert.doesNotThrow(() => b.fire('window', 'pagehide', { persisted: false }));
  await b.advance(11000);
  assert.doesNotThrow(() => api.logout());
  assert.doesNotThrow(() => api.stop());
}

for (const target of Object.keys(TARGETS)) {
  describe(`robustness (${target})`, () => {
    const loaded = (prepare) => {
      const b = createBrowser({ target });
      if (prepare) prepare(b.window, b);
      assert.doesNotThrow(() => b.load());
      return b;
    };

    it('defines no global but Farewell', async () => {
      const b = loaded();
      await livePageLife(b);
      const added = Object.getOwnPropertyNames(b.window).filter((k) => !b.globalsBefore.includes(k));
      assert.deepEqual(added, ['Farewell']);
    });

    it('the API object is frozen', () => {
      const b = loaded();
      assert.ok(Object.isFrozen(b.window.Farewell));
    });

    // Issue 15, defect 7.
    it('a second copy with data-token starts a first copy that never started', () => {
      const b = createBrowser({ target, script: {} });
      const first = b.load();
      assert.equal(first.running, false);
      b.load({ 'data-token': 'tok-2' });
      assert.equal(b.window.Farewell, first);
      assert.equal(first.running, true);
      assert.equal(b.sent[0].body.token, 'tok-2');
    });

    it('an element with id="Farewell" before the script does not stop it', () => {
      const b = createBrowser({ target, script: { 'data-token': 't' } });
      b.window.Farewell = b.element('div', { id: 'Farewell' }); // window's named access to the element
      b.load();
      assert.equal(b.window.Farewell.running, true);
      assert.equal(b.sent[0].body.type, 'open');
    });

    it('a second copy of the script keeps the first Farewell', () => {
      const b = loaded();
      const first = b.window.Farewell;
      b.load();
      assert.equal(b.window.Farewell, first);
    });

    it('without crypto.randomUUID the page id comes from a fallback of the allowed form', () => {
      for (const prepare of [(w) => delete w.crypto, (w) => delete w.crypto.randomUUID, (w) => (w.crypto.randomUUID = boom)]) {
        const b = loaded(prepare);
        b.window.Farewell.start({ token: 't' });
        assert.match(b.window.Farewell.pageId, PAGE_ID);
        assert.equal(b.sent[0].body.page, b.window.Farewell.pageId);
      }
    });

    it('two pages get different ids, also from the fallback', () => {
      const ids = new Set();
      for (let i = 0; i < 20; i++) {
        const b = loaded((w, b) => {
          delete w.crypto;
          b.random = (i + 1) / 23;
          b.now += i;
        });
        ids.add(b.window.Farewell.pageId);
      }
      assert.equal(ids.size, 20);
    });

    it('a throwing onReleased does not stop the farewell:released event', async () => {
      const b = loaded((w, b) => (b.respond = () => ({ status: 410, json: { status: 'released', reason: 'TIMEOUT' } })));
      const events = [];
      b.window.addEventListener('farewell:released', (e) => events.push(e.detail.reason));
      b.window.Farewell.start({ token: 't', onReleased: boom });
      await b.settle();
      assert.deepEqual(events, ['TIMEOUT']);
      assert.equal(b.window.Farewell.running, false);
    });

    it('a onReleased that is not a function is harmless', async () => {
      const b = loaded((w, b) => (b.respond = () => ({ status: 410 })));
      b.window.Farewell.start({ token: 't', onReleased: 'not a function' });
      await b.settle();
      assert.equal(b.window.Farewell.running, false);
    });

    it('start with odd arguments does not throw', () => {
      const b = loaded();
      for (const arg of [undefined, null, 42, 'x', [], { token: 7, endpoint: 8 }]) {
        assert.doesNotThrow(() => b.window.Farewell.start(arg));
      }
    });

    // A missing API of each kind: the rest keeps working and nothing throws.
    const missing = {
      document: (w) => delete w.document,
      navigator: (w) => delete w.navigator,
      sendBeacon: (w) => delete w.navigator.sendBeacon,
      fetch: (w) => delete w.fetch,
      fetchLater: (w) => delete w.fetchLater,
      AbortController: (w) => delete w.AbortController,
      crypto: (w) => delete w.crypto,
      URL: (w) => delete w.URL,
      Blob: (w) => delete w.Blob,
      Worker: (w) => delete w.Worker,
      CustomEvent: (w) => delete w.CustomEvent,
      setTimeout: (w) => delete w.setTimeout,
      clearTimeout: (w) => delete w.clearTimeout,
      location: (w) => delete w.location,
    };
    for (const [api, prepare] of Object.entries(missing)) {
      it(`works on without ${api}`, async () => {
        const b = loaded(prepare);
        await livePageLife(b);
      });
    }

    // A throwing API of each kind.
    const throwing = {
      sendBeacon: (w) => (w.navigator.sendBeacon = boom),
      fetch: (w) => (w.fetch = boom),
      'fetch rejecting': (w) => (w.fetch = () => Promise.reject(new TypeError('Failed to fetch'))),
      'response.json': (w, b) => (b.respond = () => ({ status: 200 })),
      'response.headers.get': (w) => {
        w.fetch = () => Promise.resolve({ status: 429, headers: { get: boom }, json: boom });
      },
      fetchLater: (w) => (w.fetchLater = boom),
      'the fetchLater getter': (w) => Object.defineProperty(w, 'fetchLater', { get: boom }),
      'the AbortController getter': (w) => Object.defineProperty(w, 'AbortController', { get: boom }),
      'AbortController.abort': (w) => {
        w.AbortController = class {
          constructor() {
            this.signal = {};
          }
          abort() {
            boom();
          }
        };
      },
      'crypto.randomUUID': (w) => (w.crypto.randomUUID = boom),
      'URL.createObjectURL': (w) => (w.URL.createObjectURL = boom),
      Blob: (w) => (w.Blob = boom),
      Worker: (w) => (w.Worker = boom),
      'worker.postMessage': (w) => {
        const Real = w.Worker;
        w.Worker = function (url) {
          const worker = new Real(url);
          worker.postMessage = boom;
          worker.terminate = boom;
          return worker;
        };
      },
      CustomEvent: (w) => (w.CustomEvent = boom),
      dispatchEvent: (w) => (w.dispatchEvent = boom),
      addEventListener: (w) => {
        w.addEventListener = boom;
        w.document.addEventListener = boom;
      },
      removeEventListener: (w) => {
        w.removeEventListener = boom;
        w.document.removeEventListener = boom;
      },
      setTimeout: (w) => (w.setTimeout = boom),
      clearTimeout: (w) => (w.clearTimeout = boom),
      'document.visibilityState': (w) => Object.defineProperty(w.document, 'visibilityState', { get: boom, set() {} }),
      'document.prerendering': (w) => Object.defineProperty(w.document, 'prerendering', { get: boom }),
      'document.currentScript': (w) => Object.defineProperty(w.document, 'currentScript', { get: boom, set() {} }),
      'location.href': (w) => Object.defineProperty(w, 'location', { get: boom, set() {} }),
    };
    for (const [api, prepare] of Object.entries(throwing)) {
      it(`works on when ${api} throws`, async () => {
        const b = loaded(prepare);
        await livePageLife(b);
      });
    }

    it('a throwing fetchLater getter neither stops the beat nor throws from a timer', async () => {
      const b = loaded((w) => Object.defineProperty(w, 'fetchLater', { get: boom }));
      b.window.Farewell.start({ token: 't' });
      await b.advance(15000); // timers run the beat outside any caller's try: advance() would throw
      assert.equal(b.messages('heartbeat').length, 3);
    });

    it('a token that is not a string goes out as a string and no later beat throws', async () => {
      for (const token of [12345678901234567890n, 42, { toString: () => 'obj-token' }]) {
        const b = loaded();
        b.window.Farewell.start({ token });
        await b.advance(10000);
        assert.ok(b.messages('heartbeat').length >= 2);
        assert.ok(b.sent.every((r) => r.body.token === String(token)), 'token ' + String(token));
      }
    });

    it('a page that made Farewell a read-only property gets no error from the script', () => {
      const b = createBrowser({ target, script: { 'data-token': 't' } });
      Object.defineProperty(b.window, 'Farewell', { value: 0, writable: false });
      assert.doesNotThrow(() => b.load());
    });

    it('a throwing visibilityState counts as visible', () => {
      const b = loaded((w) => Object.defineProperty(w.document, 'visibilityState', { get: boom, set() {} }));
      b.window.Farewell.start({ token: 't' });
      assert.equal(b.sent[0].body.hidden, false);
    });

    it('a throwing sendBeacon still gets the exit out, by fetch', () => {
      const b = loaded((w) => (w.navigator.sendBeacon = boom));
      b.window.Farewell.start({ token: 't' });
      b.fire('window', 'pagehide', { persisted: false });
      assert.deepEqual(b.sent.map((r) => r.via + ':' + r.body.type), ['fetch:open', 'fetch:exit']);
    });

    it('a throwing click target still lets the exit out, unmarked', () => {
      const b = loaded();
      b.window.Farewell.start({ token: 't' });
      b.click({ closest: boom });
      b.fire('window', 'pagehide', { persisted: false });
      assert.equal('nav' in b.messages('exit')[0].body, false);
    });

    it('the source uses no eval, no Function constructor, no unload or beforeunload', () => {
      for (const code of Object.values(TARGETS)) {
        assert.doesNotMatch(code, /\beval\s*\(|\bFunction\s*\(|['"](before)?unload['"]/);
      }
    });
  });
}
