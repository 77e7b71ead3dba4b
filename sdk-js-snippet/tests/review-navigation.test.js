'use strict';
// Adversarial review probes: how the snippet tells an in-app navigation from leaving (each fails on
// the snippet of 05984f5).
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const vm = require('node:vm');
const { createBrowser, TARGETS, ORIGIN } = require('./fake-browser.js');

const started = (target, before) => {
  const b = createBrowser({ target, script: { 'data-token': 'tok-1' } });
  if (before) before(b);
  b.load();
  return b;
};

// The Navigation API as Chromium 156 and Firefox 153 have it: a `navigate` event for every
// navigation the page or a click starts (not for one started from the address bar or a bookmark),
// with intercept(): a router that intercepts turns the navigation into a same-document one, and the
// browser then fires `navigatesuccess` (and no pagehide: the page stays).
const withNavigationApi = (b) => (b.window.navigation = new EventTarget());
const navigate = async (b, url, props) => {
  let intercepted = false;
  const e = new Event('navigate', { cancelable: true });
  Object.assign(e, {
    navigationType: 'push',
    destination: { url, sameDocument: false },
    canIntercept: new URL(url).origin === ORIGIN,
    hashChange: false,
    downloadRequest: null,
    userInitiated: true,
    intercept: () => (intercepted = true),
  }, props);
  b.window.navigation.dispatchEvent(e);
  await b.settle();
  if (intercepted && !e.defaultPrevented) b.window.navigation.dispatchEvent(new Event('navigatesuccess'));
  return e;
};
// A router of a single-page application that intercepts every navigation within the application.
const spaRouter = (b) =>
  b.window.navigation.addEventListener('navigate', (e) => e.canIntercept && e.intercept({ handler: async () => {} }));

for (const target of Object.keys(TARGETS)) {
  describe(`review probes: stale in-app marks (${target})`, () => {
    // Defect: a route change that a router intercepts with the Navigation API is marked like a
    // cross-document navigation and the mark lasts 10 s (README: "still counts for 10 s"). What the
    // README does not say: leaving the site within those 10 s into the back/forward cache sends
    // `exit` nav:true instead of `hidden`, so the session is released after the navigation grace,
    // and the user who comes Back within the hidden timeout (docs/tuning.md: "Kept if the user comes
    // back within 150 s") finds it signed out. Seen in real Chromium 156 (a page with this router and
    // the dist snippet, a route link clicked, then the address bar: pagehide persisted, exit nav:true).
    // The browser fires `navigatesuccess` once an intercepted navigation is done; the snippet does
    // not listen to it, and a later navigate event to another origin does not clear the mark either.
    const leave = {
      'from the address bar (no navigate event)': async () => {},
      'by a script to another origin (navigate event)': (b) => navigate(b, 'https://sso.example/logout'),
    };
    for (const [how, act] of Object.entries(leave)) {
      it(`an intercepted route change, then leaving the site ${how}: the page enters the cache with hidden, not exit`, async () => {
        const b = started(target, (b) => (withNavigationApi(b), spaRouter(b)));
        await b.advance(6000);
        b.click(b.link({ href: '/orders/43' }));
        await navigate(b, ORIGIN + '/orders/43');
        await b.advance(2000); // the route has rendered; the page stays
        await act(b);
        b.fire('window', 'pagehide', { persisted: true });
        assert.deepEqual(b.messages('exit', 'hidden').map((m) => m.body.type + (m.body.nav ? ' nav' : '')), ['hidden']);
      });
    }

    // Defect: a same-origin link answered as a download (Content-Disposition: attachment, no
    // `download` attribute: "Export CSV", "Invoice PDF") fires a navigate event (downloadRequest
    // null) and no pagehide; the page stays, marked for 10 s. Leaving the site from the address bar
    // within those 10 s sends exit nav:true instead of hidden (false release of a page the user can
    // come Back to); seen in real Chromium 156: click, download, address bar 2 s later, `exit nav:true`.
    for (const api of [true, false]) {
      it(`a same-origin download link, then leaving the site 2 s later: hidden, not exit (${api ? 'Navigation API' : 'no Navigation API'})`, async () => {
        const b = started(target, api ? withNavigationApi : undefined);
        await b.advance(6000);
        b.click(b.link({ href: '/orders/42/export.csv' }));
        if (api) await navigate(b, ORIGIN + '/orders/42/export.csv');
        await b.advance(2000); // the file downloads; the page stays
        b.fire('window', 'pagehide', { persisted: true });
        assert.deepEqual(b.messages('exit', 'hidden').map((m) => m.body.type + (m.body.nav ? ' nav' : '')), ['hidden']);
      });
    }

    // Defect (low): the same stale mark stretches a real close: a tab closed 2 s after the download
    // link gets the navigation grace (10 s) instead of the exit grace (3 s).
    it('a tab closed 2 s after a same-origin download link: exit without nav', async () => {
      const b = started(target, withNavigationApi);
      await b.advance(6000);
      b.click(b.link({ href: '/orders/42/export.csv' }));
      await navigate(b, ORIGIN + '/orders/42/export.csv');
      await b.advance(2000);
      b.close('chromium');
      const exits = b.messages('exit');
      assert.equal(exits.length, 1);
      assert.equal('nav' in exits[0].body, false, 'the closed tab waits out the navigation grace');
    });

    // Defect (low): the snippet reads the Navigation API as the global `navigation`, which a page's
    // own top-level `const navigation = document.querySelector('nav')` (a classic script) shadows for
    // every script of the page: the snippet listens on the page's <nav> element and never hears a
    // navigate event. JSF's commandLink (href="#", form.submit()) is then unmarked in Chromium and
    // Firefox too. (`let name = ...` shadows window.name in own() the same way.) `w.navigation` reads it.
    it("a page's own top-level `const navigation` does not hide the Navigation API from the snippet", async () => {
      const b = started(target, (b) => {
        withNavigationApi(b);
        b.window.pageNav = new EventTarget(); // the page's <nav> element
        vm.runInContext('const navigation = pageNav;', b.window);
      });
      b.click(b.link({ href: '#' })).preventDefault();
      await navigate(b, ORIGIN + '/faces/orders.xhtml');
      b.fire('window', 'pagehide', { persisted: false });
      assert.equal(b.messages('exit')[0].body.nav, true);
    });
  });
}

for (const target of Object.keys(TARGETS)) {
  describe(`review probes: Back within the application without the Navigation API (${target})`, () => {
    // Defect: in WebKit (Safari's engine; WebKitGTK 2.50 has no `navigation`) a Back or Forward
    // between two pages of the application, and any script-driven navigation, is unmarked: the page
    // going into the back/forward cache says `hidden`, and holds the session for the hidden timeout
    // (150 s) after the user closes the tab on the other page. The commit's own comment names the
    // harm ("a tab closed on that next page would wait for this cached page's hidden timeout"). Page
    // A links to B (A exits, marked); Back (B into the cache, A restored); the tab is closed on A.
    // Nothing ever tells the server that B is gone. (Both pages share the tab's sessionStorage, which
    // the next page of the tab could use to exit the cached one; a restore would revive it.)
    it('a page left with Back and then the tab closed: the cached page does not hold the session', async () => {
      const storage = new Map();
      const sessionStorage = {
        getItem: (k) => (storage.has(k) ? storage.get(k) : null),
        setItem: (k, v) => storage.set(k, String(v)),
        removeItem: (k) => storage.delete(k),
      };
      const tab = (b) => (b.window.sessionStorage = sessionStorage);
      const a = started(target, tab);
      await a.advance(6000);
      a.click(a.link({ href: '/orders/43' }));
      a.fire('window', 'pagehide', { persisted: true }); // A into the cache, exit nav:true
      const b = started(target, tab); // page B of the same tab
      await b.advance(6000);
      b.fire('window', 'pagehide', { persisted: true }); // the Back button: B into the cache
      a.fire('window', 'pageshow', { persisted: true }); // A restored: resume
      await a.advance(1000);
      a.close('webkit');
      const pageB = b.window.Farewell.pageId;
      const last = a.sent.concat(b.sent).filter((r) => r.body && r.body.page === pageB).sort((x, y) => x.body.seq - y.body.seq).pop();
      assert.equal(last.body.type, 'exit', "page B's last word to the server is '" + last.body.type + "': it holds the session for the hidden timeout");
    });
  });
}
