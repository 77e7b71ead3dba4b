'use strict';
// Random lives of a page (visibility, blocked main thread, dialogs, freeze/resume,
// back/forward cache with and without an in-app navigation, token refreshes, start() again with a
// new token, answer latency), checking after every step the properties the deferred exit relies on:
// - at most one deferred exit armed; none while the page is in the back/forward cache (entering it
//   sends every armed one, as Chromium does);
// - should the document end now (renderer crash), the armed exit is newer than every message the
//   page (and its worker) has sent, and carries the token the page uses now.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { createBrowser } = require('./fake-browser.js');

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function life(seed, { worker = true } = {}) {
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const b = createBrowser({ script: worker ? { 'data-token': 't0' } : null });
  let issued = 0;
  let endpoint = 'https://app.example/farewell/beacon';
  let tokens = ['t0']; // the tokens the current start may use: its own and the refreshes since
  let refresh = false;
  b.respond = (rec) => {
    const json = { status: 'live', heartbeatMs: 5000 };
    if (refresh && rec.body && rec.body.type !== 'exit' && rec.url === endpoint) tokens.push((json.token = 'r' + ++issued));
    return { status: 200, json };
  };
  b.load();
  if (!worker) b.run("Farewell.start({ token: 't0', worker: false })");
  let cached = false;
  const log = [];
  const check = (what) => {
    const armed = b.armed();
    assert.ok(armed.length <= 1, `${what}: ${armed.length} deferred exits armed`);
    if (cached) {
      assert.equal(armed.length, 0, `${what}: a deferred exit armed in the back/forward cache`);
      return;
    }
    if (!b.window.Farewell.running || armed.length === 0) return;
    const d = armed[0];
    assert.equal(d.url, endpoint, `${what}: armed exit to an old endpoint`);
    assert.ok(tokens.includes(d.body.token), `${what}: armed exit with token ${d.body.token}, not one of ${tokens}`);
    const page = b.window.Farewell.pageId;
    const newest = Math.max(...b.sent.filter((s) => s.body && s.body.page === page).map((s) => s.body.seq));
    assert.ok(d.body.seq > newest, `${what}: armed exit ${d.body.seq} not newer than sent ${newest}\n${log.join('\n')}`);
  };
  for (let step = 0; step < 60; step++) {
    const action = pick(['advance', 'advance', 'visibility', 'block', 'dialog', 'freeze', 'bfcache', 'navcache', 'refresh', 'restart', 'latency']);
    log.push(action);
    switch (action) {
      case 'advance':
        await b.advance(Math.floor(r() * 20000));
        break;
      case 'visibility':
        if (!cached) b.setVisibility(b.document.visibilityState === 'hidden' ? 'visible' : 'hidden');
        break;
      case 'block':
        if (!cached) {
          await b.settle();
          b.block(Math.floor(r() * 40000), { messagesFirst: r() < 0.5 });
          check('blocked');
          await b.advance(0);
        }
        break;
      case 'dialog':
        if (!cached) {
          const ms = Math.floor(r() * 40000);
          b.onDialog = () => {
            b.block(ms);
            check('in a dialog');
          };
          b.window.alert('hi');
          await b.advance(0);
        }
        break;
      case 'freeze':
        if (!cached && b.document.visibilityState === 'hidden') {
          b.fire('document', 'freeze');
          check('frozen');
          await b.advance(Math.floor(r() * 5000));
          b.fire('document', 'resume');
        }
        break;
      case 'bfcache':
      case 'navcache':
        if (!cached) {
          if (action === 'navcache') {
            const a = b.link({ href: '/next' });
            b.click(a);
          }
          b.fire('window', 'pagehide', { persisted: true });
          cached = true;
          check('into the cache');
          if (b.document.visibilityState !== 'hidden') b.setVisibility('hidden');
          b.fire('document', 'freeze');
          check('frozen in the cache');
          await b.advance(Math.floor(r() * 20000));
          b.fire('document', 'resume');
          if (r() < 0.5) b.setVisibility('visible');
          cached = false;
          b.fire('window', 'pageshow', { persisted: true });
          if (b.document.visibilityState !== 'visible') b.setVisibility('visible');
        }
        break;
      case 'refresh':
        refresh = !refresh;
        break;
      case 'restart':
        if (!cached) {
          endpoint = r() < 0.5 ? 'https://app.example/farewell/beacon' : 'https://app.example/other/beacon';
          tokens = ['n' + step];
          b.run(`Farewell.start({ token: 'n${step}', endpoint: '${endpoint}'${worker ? '' : ', worker: false'} })`);
        }
        break;
      case 'latency':
        b.latency = pick([0, 0, 300, 3000]);
        break;
    }
    check(action);
  }
  await b.settle();
  // the end of the document: the armed exit goes out, and it must be the page's newest message
  if (!b.window.Farewell.running) return;
  const page = b.window.Farewell.pageId;
  const newest = Math.max(...b.sent.filter((s) => s.body && s.body.page === page).map((s) => s.body.seq));
  b.crash();
  assert.equal(b.fired.length, 1, 'one exit at the end');
  assert.ok(b.fired[0].body.seq > newest);
}

describe('the deferred exit across random page lives', () => {
  for (const worker of [true, false]) {
    it(`keeps one armed exit, none in the cache, always the newest (${worker ? 'worker' : 'page timers'})`, async () => {
      for (let seed = 1; seed <= 150; seed++) {
        try {
          await life(seed, { worker });
        } catch (e) {
          e.message = `seed ${seed}: ${e.message}`;
          throw e;
        }
      }
    });
  }
});

describe('the fake browser sends an armed fetchLater at the document\'s end', () => {
  // Chromium (FetchLaterManager) and the spec send every armed, unaborted deferred request when the
  // document enters the back/forward cache and when it ends; the suites rely on the fake doing so.
  const arm = (b) => b.run("fetchLater('https://app.example/x', { method: 'POST', body: '{\"seq\":1}' })");

  it('on entering the back/forward cache', () => {
    const b = createBrowser();
    arm(b);
    b.fire('window', 'pagehide', { persisted: true });
    assert.equal(b.fired.length, 1);
  });

  it('when the tab is closed', () => {
    const b = createBrowser();
    arm(b);
    b.close('chromium');
    assert.equal(b.fired.length, 1);
  });

  it('not while the page lives, without activateAfter', async () => {
    const b = createBrowser();
    arm(b);
    await b.advance(600000);
    assert.equal(b.fired.length, 0);
  });
});
