'use strict';
// Pages prerendered by Speculation Rules (Chrome): nothing is sent and no session is held
// until the user is shown the page (document.prerendering, prerenderingchange).
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { createBrowser, TARGETS } = require('./fake-browser.js');

for (const target of Object.keys(TARGETS)) {
  describe(`prerendered pages (${target})`, () => {
    const prerendered = (options) => {
      const b = createBrowser(Object.assign({ target, prerendering: true, script: { 'data-token': 'tok-1' } }, options));
      b.load();
      return b;
    };

    it('a prerendered page sends nothing, arms no deferred exit and starts no worker until it is shown', async () => {
      const b = prerendered();
      await b.advance(120000);
      assert.deepEqual(b.types(), []);
      assert.equal(b.deferred.length, 0);
      assert.equal(b.workers.length, 0);
      assert.equal(b.pageTimers().length, 0);
      assert.equal(b.window.Farewell.running, true, 'started, waiting to be shown');
    });

    it('shown, it says open, arms its deferred exit and beats', async () => {
      const b = prerendered();
      await b.advance(30000);
      b.activate();
      assert.equal(b.sent[0].body.type, 'open');
      assert.equal(b.sent[0].body.seq, 2 ** 20, 'no seq was used while prerendering');
      assert.equal(b.armed().length, 1);
      assert.equal(b.window.Farewell.worker, true);
      await b.advance(10000);
      assert.equal(b.messages('heartbeat').length, 2);
      assert.ok(b.messages('heartbeat').every((m) => m.body.hidden === false));
    });

    it('shown with prerenderingchange before visibilitychange: open says hidden, then visible follows', () => {
      const b = prerendered();
      b.activate('prerenderingchange-first');
      assert.deepEqual(b.sent.map((r) => [r.body.type, r.body.hidden]), [['open', true], ['visible', false]]);
    });

    it('shown with visibilitychange before prerenderingchange: one open, visible', () => {
      const b = prerendered();
      b.activate('visibilitychange-first');
      assert.deepEqual(b.sent.map((r) => [r.body.type, r.body.hidden]), [['open', false]]);
    });

    it('Farewell.start from code on a prerendered page waits too', async () => {
      const b = createBrowser({ target, prerendering: true });
      b.load().start({ token: 'from-code' });
      await b.advance(30000);
      assert.deepEqual(b.types(), []);
      b.activate();
      assert.equal(b.sent[0].body.token, 'from-code');
    });

    it('a prerendered page thrown away unseen sends no exit and no hidden', () => {
      const b = prerendered();
      b.fire('document', 'freeze');
      b.fire('window', 'pagehide', { persisted: true });
      b.fire('window', 'pagehide', { persisted: false });
      assert.deepEqual(b.types(), []);
    });

    it('events before it is shown do not start it early', async () => {
      const b = prerendered();
      b.fire('document', 'resume');
      b.fire('document', 'visibilitychange'); // still hidden
      b.click(b.link({ href: '/next' }));
      await b.advance(30000);
      assert.deepEqual(b.types(), []);
      b.activate();
      b.fire('window', 'pagehide', { persisted: false });
      assert.deepEqual(b.types(), ['open', 'visible', 'exit']);
      assert.equal('nav' in b.messages('exit')[0].body, false, 'a click long before is no navigation');
    });

    it('logout while prerendering sends nothing and stops', () => {
      const b = prerendered();
      b.window.Farewell.logout();
      assert.equal(b.window.Farewell.running, false);
      b.activate();
      assert.deepEqual(b.types(), []);
    });

    it('stop while prerendering removes the prerenderingchange listener', () => {
      const b = prerendered();
      b.window.Farewell.stop();
      assert.equal(b.window.listeners.length + b.document.listeners.length, 0);
      b.activate();
      assert.deepEqual(b.types(), []);
    });

    it('a second prerenderingchange after the page was shown opens nothing more', () => {
      const b = prerendered();
      b.activate();
      b.fire('document', 'prerenderingchange');
      assert.equal(b.messages('open').length, 1);
    });

    it('a throwing document.prerendering counts as not prerendering: it opens at once', () => {
      const b = createBrowser({ target, script: { 'data-token': 't' } });
      Object.defineProperty(b.document, 'prerendering', {
        get() {
          throw new Error('boom');
        },
      });
      assert.doesNotThrow(() => b.load());
      assert.deepEqual(b.types(), ['open']);
    });
  });
}
