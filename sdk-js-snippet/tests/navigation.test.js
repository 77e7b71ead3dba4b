'use strict';
// In-app navigation: a same-origin link click or form submit marks the exit nav:true.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { createBrowser, TARGETS } = require('./fake-browser.js');

for (const target of Object.keys(TARGETS)) {
  describe(`in-app navigation (${target})`, () => {
    const started = () => {
      const b = createBrowser({ target, script: { 'data-token': 'tok-1' } });
      b.load();
      return b;
    };
    const exitAfter = (b, act) => {
      act();
      b.fire('window', 'pagehide', { persisted: false });
      const exits = b.messages('exit');
      assert.equal(exits.length, 1);
      return exits[0].body;
    };

    it('a click on a same-origin link marks the exit nav:true', () => {
      const b = started();
      assert.equal(exitAfter(b, () => b.click(b.link({ href: '/orders/43' }))).nav, true);
    });

    it('a click on an element inside a same-origin link counts too', () => {
      const b = started();
      assert.equal(exitAfter(b, () => b.click(b.link({ href: '/orders/43' }, true))).nav, true);
    });

    it('a click on a link inside an open shadow root counts too', () => {
      const b = started();
      const inner = b.link({ href: '/orders/43' }, true);
      const host = { tagName: 'MY-MENU', closest: () => null };
      assert.equal(exitAfter(b, () => b.click(host, { composedPath: () => [inner, host] })).nav, true);
    });

    it('a click on an SVG link (xlink:href, which a[href] does not match) marks the exit nav:true', () => {
      const b = started();
      assert.equal(exitAfter(b, () => b.click(b.svgLink({ 'xlink:href': '/orders/43' }, true))).nav, true);
    });

    it('a click on an SVG link with an SVG 2 href marks the exit nav:true', () => {
      const b = started();
      assert.equal(exitAfter(b, () => b.click(b.svgLink({ href: '/orders/43' }))).nav, true);
    });

    it('a click on an image-map <area href> marks the exit nav:true', () => {
      const b = started();
      assert.equal(exitAfter(b, () => b.click(b.area({ href: '/orders/43' }))).nav, true);
    });

    it('a link naming target=_self under a <base target="_blank"> marks the exit nav:true', () => {
      const b = started();
      b.base({ target: '_blank' });
      assert.equal(exitAfter(b, () => b.click(b.link({ href: '/orders/43', target: '_self' }))).nav, true);
    });

    it('a submit of a same-origin form marks the exit nav:true', () => {
      const b = started();
      assert.equal(exitAfter(b, () => b.submit(b.form({ action: '/orders', method: 'post' }))).nav, true);
    });

    const notNavigation = {
      'a cross-origin link (the user leaves the application)': (b) => b.click(b.link({ href: 'https://elsewhere.example/' })),
      'a link opening a new tab': (b) => b.click(b.link({ href: '/orders/43', target: '_blank' })),
      'a download link': (b) => b.click(b.link({ href: '/report.pdf', download: '' })),
      'a ctrl-click': (b) => b.click(b.link({ href: '/orders/43' }), { ctrlKey: true }),
      'a meta-click': (b) => b.click(b.link({ href: '/orders/43' }), { metaKey: true }),
      'a middle click': (b) => b.click(b.link({ href: '/orders/43' }), { button: 1 }),
      'a same-document fragment link': (b) => b.click(b.link({ href: '#details' })),
      'a javascript: link': (b) => b.click(b.link({ href: 'javascript:void(0)' })),
      'a click a router handled with preventDefault': (b) => b.click(b.link({ href: '/orders/43' })).preventDefault(),
      'a form submitted into another window': (b) => b.submit(b.form({ action: '/orders', target: '_blank' })),
      'a dialog form': (b) => b.submit(b.form({ method: 'dialog' })),
      'a cross-origin form': (b) => b.submit(b.form({ action: 'https://pay.example/checkout' })),
      'a cross-origin SVG link': (b) => b.click(b.svgLink({ href: 'https://elsewhere.example/' })),
      'a cross-origin SVG link (xlink:href)': (b) => b.click(b.svgLink({ 'xlink:href': 'https://elsewhere.example/' })),
      'an SVG <a> without a link': (b) => b.click(b.svgLink({}, true)),
      'an <area> opening a new tab': (b) => b.click(b.area({ href: '/orders/43', target: '_blank' })),
      'an <area> without href': (b) => b.click(b.area({})),
      'a link under <base target="_blank"> (it opens a new tab)': (b) => {
        b.base({ target: '_blank' });
        b.click(b.link({ href: '/orders/43' }));
      },
      'a form under <base target="_blank">': (b) => {
        b.base({ target: '_blank' });
        b.submit(b.form({ action: '/orders', method: 'post' }));
      },
      'a click on something that is not a link': (b) => b.click({ tagName: 'DIV', closest: () => null }),
    };
    for (const [what, act] of Object.entries(notNavigation)) {
      it(`${what} leaves the exit unmarked`, () => {
        const b = started();
        assert.equal('nav' in exitAfter(b, () => act(b)), false);
      });
    }

    it('a link click long before the page goes away no longer counts', async () => {
      const b = started();
      b.click(b.link({ href: '/download-started-elsewhere' }));
      await b.advance(11000);
      assert.equal('nav' in exitAfter(b, () => {}), false);
    });

    it('an in-app navigation into the back/forward cache sends exit nav:true, not hidden', () => {
      const b = started();
      b.click(b.link({ href: '/orders/43' }));
      b.fire('window', 'pagehide', { persisted: true });
      const exits = b.messages('exit');
      assert.equal(exits.length, 1);
      assert.equal(exits[0].body.nav, true);
      assert.equal(b.messages('hidden').length, 0);
      assert.equal(b.armed().length, 0);
    });

    it('a restore after an in-app navigation resumes the page with a newer seq', () => {
      const b = started();
      b.click(b.link({ href: '/orders/43' }));
      b.fire('window', 'pagehide', { persisted: true });
      const exitSeq = b.messages('exit')[0].body.seq;
      b.fire('window', 'pageshow', { persisted: true });
      const resumes = b.messages('resume');
      assert.equal(resumes.length, 1);
      assert.ok(resumes[0].body.seq > exitSeq);
    });

    it('a bfcache restore forgets the click that led away', () => {
      const b = started();
      b.click(b.link({ href: '/orders/43' }));
      b.fire('window', 'pagehide', { persisted: true });
      b.fire('window', 'pageshow', { persisted: true });
      b.fire('window', 'pagehide', { persisted: false });
      const exits = b.messages('exit');
      assert.equal(exits.length, 2);
      assert.equal('nav' in exits[1].body, false);
    });
  });
}
