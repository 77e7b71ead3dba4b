'use strict';
// A deferred exit that fired while the page lived (no known browser sends one without
// activateAfter) is answered at the page's next message or answer. When that is the `hidden`
// which pagehide (persisted) sends on the way into the back/forward cache, no recovery follows:
// it would say `visible` (pagehide comes before visibilitychange), newer than that `hidden`, and
// the server would hold the cached page for the heartbeat timeout instead of the hidden timeout.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { createBrowser, TARGETS } = require('./fake-browser.js');

for (const target of Object.keys(TARGETS)) {
  describe(`a fired deferred exit found on the way into the cache (${target})`, () => {
    it('the last state the server takes for a page entering the cache is hidden', async () => {
      const b = createBrowser({ target, script: { 'data-token': 't' } });
      b.load();
      await b.advance(2000); // between two beats
      b.sendDeferredNow(); // the fired exit, not yet found by the page
      b.fire('window', 'pagehide', { persisted: true });
      b.setVisibility('hidden');
      await b.settle();
      const page = b.window.Farewell.pageId;
      const states = b.received().filter((r) => r.body && r.body.page === page && r.body.type !== 'exit');
      const last = states.reduce((x, y) => (y.body.seq > x.body.seq ? y : x));
      assert.equal(last.body.type, 'hidden', 'newest: ' + JSON.stringify(last.body));
      assert.equal(last.body.hidden, true);
    });
  });
}
