'use strict';
// A page showing alert(), confirm(), prompt() or a print dialog is alive and keeps its session,
// although its main thread is blocked until the user answers: in WebKit even its worker's requests
// wait for it (WebKitGTK 2.50), so the page says hidden just before the dialog opens.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { createBrowser, TARGETS } = require('./fake-browser.js');

const HEARTBEAT_TIMEOUT = 15000; // the server's defaults, for 5 s beats
const HIDDEN_TIMEOUT = 150000;
const DIALOGS = { alert: undefined, confirm: true, prompt: 'typed', print: undefined };

// When the server would release the page, given what reached it by `until`: each message newer
// than the last it took (seq) moves the page's deadline to its arrival plus the timeout of the
// state it says (hidden or visible). Returns the first moment the page was past its deadline
// while it sent nothing, or null if it never was.
function releasedAt(b, until) {
  let seq = -1;
  let deadline = Infinity;
  for (const r of b.sent.filter((m) => m.body && m.at <= until).sort((x, y) => x.at - y.at)) {
    if (r.at > deadline) return deadline;
    if (r.body.seq <= seq) continue;
    seq = r.body.seq;
    deadline = r.at + (r.body.hidden ? HIDDEN_TIMEOUT : HEARTBEAT_TIMEOUT);
  }
  return until > deadline ? deadline : null;
}

for (const target of Object.keys(TARGETS)) {
  describe(`dialogs (${target})`, () => {
    const started = (options) => {
      const b = createBrowser(Object.assign({ target, script: { 'data-token': 'tok-1' } }, options));
      b.load();
      return b;
    };

    for (const [name, answer] of Object.entries(DIALOGS)) {
      it(`${name}() says hidden just before the dialog opens, and passes this, arguments and answer through`, async () => {
        const b = started();
        await b.advance(6000);
        let before;
        b.onDialog = () => {
          before = b.sent.at(-1);
          return answer;
        };
        const self = { name: 'caller' };
        assert.equal(b.window[name].call(self, 'Delete the order?', 'default'), answer);
        assert.deepEqual(b.dialogs.map((d) => [d.name, d.args, d.self]), [[name, ['Delete the order?', 'default'], self]]);
        assert.deepEqual([before.via, before.body.type, before.body.hidden], ['beacon', 'hidden', true]);
      });
    }

    it('confirm() and prompt() hand back what the user answered, cancel included', () => {
      const b = started();
      for (const [name, answers] of [['confirm', [true, false]], ['prompt', ['', 'text', null]]]) {
        for (const a of answers) {
          b.onDialog = () => a;
          assert.equal(b.window[name]('?'), a);
        }
      }
    });

    for (const engine of ['chromium', 'webkit']) {
      it(`in ${engine}, a visible page whose alert() stays open for twice the heartbeat timeout is not released`, async () => {
        const b = started({ engine });
        await b.advance(6000);
        const opened = b.now;
        b.onDialog = () => void b.block(2 * HEARTBEAT_TIMEOUT);
        b.window.alert('still here');
        await b.advance(1000);
        assert.equal(releasedAt(b, b.now), null, 'released at ' + releasedAt(b, b.now) + ', the dialog opened at ' + opened);
      });

      it(`in ${engine}, the page says visible again within an interval once the dialog is closed`, async () => {
        const b = started({ engine });
        await b.advance(6000);
        b.onDialog = () => void b.block(2 * HEARTBEAT_TIMEOUT);
        b.window.alert('still here');
        await b.advance(5000);
        const newest = b.sent.filter((r) => r.body).sort((x, y) => y.body.seq - x.body.seq)[0];
        assert.deepEqual([newest.body.type, newest.body.hidden], ['heartbeat', false]);
      });
    }

    it('in webkit, a page without a worker (CSP) showing an alert() for twice the heartbeat timeout is not released', async () => {
      const b = createBrowser({ target, engine: 'webkit' });
      b.load();
      b.window.Farewell.start({ token: 't', worker: false });
      await b.advance(6000);
      b.onDialog = () => void b.block(2 * HEARTBEAT_TIMEOUT);
      b.window.alert('still here');
      await b.advance(1000);
      assert.equal(releasedAt(b, b.now), null);
    });

    // Where fetchLater exists (Chromium), the armed exit has no activateAfter: it stays armed while
    // the dialog blocks the page, never fires while the page lives, and goes out if the page's
    // renderer dies meanwhile.
    it('a hidden page keeps its deferred exit armed while its dialog is open, and none fires', async () => {
      const b = started({ visibility: 'hidden' });
      await b.advance(6000);
      assert.equal(b.armed().length, 1);
      let armedWhileOpen;
      b.onDialog = () => {
        armedWhileOpen = b.armed().length;
        b.block(600000);
        return true;
      };
      assert.equal(b.window.confirm('Leave?'), true);
      assert.equal(armedWhileOpen, 1);
      assert.deepEqual(b.fired, [], 'the deferred exit fired while the page was alive, blocked by a dialog');
      await b.advance(5000);
      assert.equal(b.armed().length, 1);
    });

    for (const visibility of ['visible', 'hidden']) {
      it(`a ${visibility} page whose renderer dies while its dialog is open has its exit sent`, async () => {
        const b = started({ visibility });
        await b.advance(6000);
        b.onDialog = () => b.crash();
        b.window.print();
        assert.deepEqual(b.fired.map((r) => r.body.type), ['exit']);
        const newest = Math.max(...b.sent.map((r) => r.body.seq));
        assert.ok(b.fired[0].body.seq > newest, 'newer than the page\'s last message');
      });
    }

    it('a page that does not run sends nothing for a dialog: not started, prerendered, stopped, exited', async () => {
      const pages = {
        'not started': () => createBrowser({ target, script: {} }),
        prerendered: () => createBrowser({ target, script: { 'data-token': 't' }, prerendering: true }),
        stopped: () => createBrowser({ target, script: { 'data-token': 't' } }),
        exited: () => createBrowser({ target, script: { 'data-token': 't' } }),
      };
      for (const [state, make] of Object.entries(pages)) {
        const b = make();
        b.load();
        if (state === 'stopped') b.window.Farewell.stop();
        if (state === 'exited') b.fire('window', 'pagehide', { persisted: false });
        const sent = b.sent.length;
        b.window.alert('x');
        await b.advance(1000);
        assert.deepEqual(b.sent.slice(sent).map((r) => r.body.type), [], state);
        assert.equal(b.dialogs.length, 1, state);
      }
    });

    it('what the dialog throws reaches the caller unchanged, and the dialog opens when every transport throws', () => {
      const b = started();
      const error = new Error('dialogs are blocked in this sandbox');
      b.onDialog = () => {
        throw error;
      };
      assert.throws(() => b.window.alert('x'), (e) => e === error);
      b.window.navigator.sendBeacon = b.window.fetch = () => {
        throw new TypeError('Illegal invocation');
      };
      b.onDialog = () => 'still answered';
      assert.equal(b.window.prompt('x'), 'still answered');
    });

    it("the page's own dialog replaced before the snippet is wrapped: it runs with this, arguments and its answer", () => {
      const b = createBrowser({ target, script: { 'data-token': 't' } });
      const calls = [];
      b.window.confirm = function (...args) {
        calls.push([this, args]);
        return 'custom';
      };
      b.load();
      assert.equal(b.window.confirm('Sure?'), 'custom');
      assert.deepEqual(calls, [[b.window, ['Sure?']]]);
      assert.equal(b.sent.at(-1).body.type, 'hidden');
    });

    it('a dialog that is no function, or read-only, is left as it is, and the snippet starts', () => {
      const b = createBrowser({ target, script: { 'data-token': 't' } });
      b.window.alert = null;
      const print = b.window.print;
      Object.defineProperty(b.window, 'print', { value: print, writable: false });
      Object.defineProperty(b.window, 'prompt', {
        get() {
          throw new Error('no prompt here');
        },
      });
      assert.doesNotThrow(() => b.load());
      assert.equal(b.window.alert, null);
      assert.equal(b.window.print, print);
      assert.equal(b.window.Farewell.running, true);
    });

    it('a dialog replaced by the page after the snippet loaded is the page\'s alone', () => {
      const b = started();
      const sent = b.sent.length;
      b.window.alert = () => 'mine';
      assert.equal(b.window.alert('x'), 'mine');
      assert.equal(b.sent.length, sent);
    });

    it('a second copy of the script wraps no dialog twice', () => {
      const b = started();
      b.load();
      const sent = b.sent.length;
      b.window.alert('x');
      assert.deepEqual(b.sent.slice(sent).map((r) => r.body.type), ['hidden']);
    });
  });
}
