'use strict';
// The dedicated worker that sends the heartbeats, and the page timer that watches it, when the
// page's main thread is blocked (alert(), a print dialog, a long task) or frozen.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { createBrowser, TARGETS } = require('./fake-browser.js');

// Blocks the main thread for `ms`: only the worker's and the browser's timers run; messages the
// worker posts wait. When it runs again, the overdue page timers run first (`timersFirst`), or the
// worker's messages: browsers do not order the two task sources.
async function block(b, ms, timersFirst) {
  await b.settle();
  b.block(ms, { messagesFirst: !timersFirst });
  await b.advance(0);
}

for (const target of Object.keys(TARGETS)) {
  describe(`worker (${target})`, () => {
    const started = (options) => {
      const b = createBrowser(Object.assign({ target, script: { 'data-token': 't' } }, options));
      b.load();
      return b;
    };

    for (const timersFirst of [true, false]) {
      it(`a live worker is kept after a 20 s block (${timersFirst ? 'the late watch runs first' : 'its messages come first'})`, async () => {
        const b = started();
        await b.advance(6000);
        await block(b, 20000, timersFirst);
        assert.equal(b.window.Farewell.worker, true);
        assert.equal(b.workers[0].terminated, false);
        const before = b.messages('heartbeat').length;
        await b.advance(10000);
        assert.ok(b.messages('heartbeat').length >= before + 2, 'the worker beats on');
      });
    }

    // Without activateAfter no browser sends it while the page lives; should one do so anyway, the
    // page says at once that it lives, by a change of state: every server node writes one at once,
    // while a heartbeat may be answered by a node that has not seen the exit and written too late.
    for (const visibility of ['visible', 'hidden']) {
      it(`a deferred exit sent while the ${visibility} page lived is answered at once with a newer '${visibility}'`, async () => {
        const b = started({ visibility });
        await b.advance(6000);
        b.sendDeferredNow();
        assert.equal(b.fired.length, 1);
        const exitSeq = b.fired[0].body.seq;
        await b.advance(5000); // the worker's next beat, whose answer re-arms
        const after = b.messages(visibility).filter((m) => m.body.seq > exitSeq);
        assert.equal(after.length, 1, 'a state message newer than the fired exit');
        assert.equal(b.armed().length, 1);
      });
    }

    for (const visibility of ['visible', 'hidden']) {
      it(`a ${visibility} page whose renderer dies while the worker beats on through a blocked main thread has an exit newer than every beat`, async () => {
        const b = started({ visibility });
        await b.advance(6000);
        const sent = b.block(30000); // nothing re-arms meanwhile
        assert.ok(sent.filter((r) => r.body.type === 'heartbeat').length >= 5, 'the worker beat on');
        b.crash();
        assert.deepEqual(b.fired.map((r) => r.body.type), ['exit']);
        const newest = Math.max(...b.sent.map((r) => r.body.seq));
        assert.ok(b.fired[0].body.seq > newest, `exit ${b.fired[0].body.seq}, newest beat ${newest}`);
      });
    }

    for (const how of ['chromium', 'firefox']) {
      it(`an exit sent while the worker's beat is in flight is newer than that beat (${how} close)`, async () => {
        const b = started();
        b.latency = 400; // answers come back after 400 ms: the page has not seen the beat's seq yet
        await b.advance(6000);
        // Run on until a worker's beat has just left, then close the tab before its answer.
        const before = b.messages('heartbeat').length;
        while (b.messages('heartbeat').length === before) await b.advance(50);
        b.close(how);
        const exits = b.messages('exit');
        assert.ok(exits.length >= 1);
        const newest = Math.max(...b.sent.filter((r) => r.body.type !== 'exit').map((r) => r.body.seq));
        assert.ok(exits.every((m) => m.body.seq > newest), `exit seq ${exits[0].body.seq} after a beat with seq ${newest}`);
      });
    }

    it('a change of state is newer than every beat sent before it, and the beats after it newer still', async () => {
      const b = started();
      b.latency = 400;
      const changes = [];
      for (let i = 0; i < 12; i++) {
        await b.advance(3100 + 700 * (i % 3));
        changes.push(b.sent.length);
        b.setVisibility(b.document.visibilityState === 'hidden' ? 'visible' : 'hidden');
      }
      await b.advance(20000);
      const seqs = b.sent.map((r) => r.body.seq);
      for (const at of changes) {
        const change = b.sent[at];
        assert.notEqual(change.body.type, 'heartbeat');
        assert.ok(seqs.slice(0, at).every((q) => q < change.body.seq), `${change.body.type} ${change.body.seq} after ${seqs.slice(0, at)}`);
      }
      // The beats that left a second after a change carry a newer seq than the change.
      const beats = b.messages('heartbeat');
      for (const at of changes) {
        const later = beats.filter((r) => b.sent.indexOf(r) > at + 2);
        assert.ok(later.every((r) => r.body.seq > b.sent[at].body.seq));
      }
    });

    it('the worker stops beating once the exit is sent', async () => {
      const b = started();
      await b.advance(6000);
      b.close('chromium');
      const count = b.sent.length;
      await b.advance(30000);
      assert.equal(b.sent.length, count);
    });
  });
}
