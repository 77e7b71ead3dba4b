'use strict';
// In-app navigation: a same-origin link click or form submit marks the exit nav:true.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { createBrowser, TARGETS } = require('./fake-browser.js');

/** A page of the given build started by its tag; before(b) runs before the script loads. */
function startedPage(target, options, before) {
  const b = createBrowser(Object.assign({ target, script: { 'data-token': 'tok-1' } }, options));
  if (before) before(b);
  b.load();
  return b;
}

/** The one exit the page sends when act() is followed by a pagehide that unloads it. */
function exitAfter(b, act) {
  act();
  b.fire('window', 'pagehide', { persisted: false });
  const exits = b.messages('exit');
  assert.equal(exits.length, 1);
  return exits[0].body;
}

for (const target of Object.keys(TARGETS)) {
  describe(`in-app navigation (${target})`, () => {
    const started = () => startedPage(target);

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
      const host = b.element('my-menu', {});
      inner.parent.parent = { host, mode: 'open' }; // the link sits in host's shadow root
      // seen from the window, the event's target is the host; its composed path starts inside
      assert.equal(exitAfter(b, () => b.click(inner, { target: host })).nav, true);
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

    it('a page hidden and shown again forgets a click made before', () => {
      const b = started();
      b.click(b.link({ href: '/orders/43' }));
      b.setVisibility('hidden');
      b.setVisibility('visible');
      assert.equal('nav' in exitAfter(b, () => {}), false);
    });

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

// Where the snippet must read a click or a submit as the browser does: which window a target names,
// where a link sits, whether a link leaves the document at all, and what a form's attributes say.
for (const target of Object.keys(TARGETS)) {
  describe(`in-app navigation as the browser reads it (${target})`, () => {
    const started = (options, before) => startedPage(target, options, before);
    // whether the exit after act(b) says nav:true
    const marked = (act, options) => {
      const b = started(options);
      return exitAfter(b, () => act(b)).nav === true;
    };

    // _top and _parent name the page itself when it is not in a frame.
    for (const t of ['_top', '_parent']) {
      it(`a link with target=${t} in a top-level page marks the exit nav:true`, () => {
        assert.equal(marked((b) => b.click(b.link({ href: '/orders/43', target: t }))), true);
      });
      it(`a form with target=${t} in a top-level page marks the exit nav:true`, () => {
        assert.equal(marked((b) => b.submit(b.form({ action: '/orders', method: 'post', target: t }))), true);
      });
      it(`a link with target=${t} in a frame (it loads another window) leaves the exit unmarked`, () => {
        assert.equal(marked((b) => b.click(b.link({ href: '/orders/43', target: t })), { frame: true }), false);
      });
    }

    // The keywords are ASCII case-insensitive (a name is not).
    for (const t of ['_Self', '_SELF', '_Top', '_PARENT']) {
      it(`a link with target=${t} marks the exit nav:true`, () => {
        assert.equal(marked((b) => b.click(b.link({ href: '/orders/43', target: t }))), true);
      });
    }
    it('a link under <base target="_Self"> marks the exit nav:true', () => {
      assert.equal(marked((b) => (b.base({ target: '_Self' }), b.click(b.link({ href: '/orders/43' })))), true);
    });
    for (const t of ['_BLANK', '_Blank']) {
      it(`a link with target=${t} leaves the exit unmarked`, () => {
        assert.equal(marked((b) => b.click(b.link({ href: '/orders/43', target: t }))), false);
      });
    }
    it("a link whose target is this window's own name marks the exit nav:true", () => {
      assert.equal(marked((b) => b.click(b.link({ href: '/orders/43', target: 'orders' })), { name: 'orders' }), true);
    });
    it("a link whose target differs in case from this window's name leaves the exit unmarked", () => {
      assert.equal(marked((b) => b.click(b.link({ href: '/orders/43', target: 'Orders' })), { name: 'orders' }), false);
    });

    // An empty target is no target: the document's <base target> applies (Chromium, WebKit and
    // Firefox for links; the web-platform-tests' base_multiple.html), and without one the page itself.
    it('a link with target="" under <base target="_blank"> leaves the exit unmarked', () => {
      assert.equal(marked((b) => (b.base({ target: '_blank' }), b.click(b.link({ href: '/orders/43', target: '' })))), false);
    });
    it('a link with target="" under <base target="_self"> marks the exit nav:true', () => {
      assert.equal(marked((b) => (b.base({ target: '_self' }), b.click(b.link({ href: '/orders/43', target: '' })))), true);
    });
    it("a submit button's empty formtarget replaces the form's target=_blank: the page itself loads", () => {
      const act = (b) => b.submit(b.form({ action: '/orders', method: 'post', target: '_blank' }), b.button({ formtarget: '' }));
      assert.equal(marked(act), true);
    });
    it("a submit button's formtarget=_blank replaces the form's own target", () => {
      const act = (b) => b.submit(b.form({ action: '/orders', method: 'post' }), b.button({ formtarget: '_blank' }));
      assert.equal(marked(act), false);
    });

    // A click on content slotted into a link of a shadow root: no ancestor of the target is the link.
    it('a click on content slotted into a shadow-root link marks the exit nav:true', () => {
      assert.equal(marked((b) => b.click(b.slottedInShadowLink({ href: '/orders/43' }))), true);
    });
    it('a click on content slotted into a shadow-root SVG link marks the exit nav:true', () => {
      assert.equal(marked((b) => b.click(b.slottedInShadowLink({ 'xlink:href': '/orders/43' }, true))), true);
    });
    it('a click on content slotted into a shadow-root link to another site leaves the exit unmarked', () => {
      assert.equal(marked((b) => b.click(b.slottedInShadowLink({ href: 'https://elsewhere.example/' }))), false);
    });

    // A link to a fragment of this document (a bare "#" too) scrolls: no pagehide follows, so a mark
    // would stretch the next real exit (the user closes the tab) into the navigation grace.
    for (const href of ['#', '/orders/42?tab=items#', '/orders/42?tab=items#lines', '?tab=items#']) {
      it(`a link to ${href} on this document leaves the exit unmarked`, () => {
        assert.equal(marked((b) => b.click(b.link({ href }))), false);
      });
    }
    it('a bare "#" link clicked after an in-app link click ends its mark', () => {
      assert.equal(marked((b) => (b.click(b.link({ href: '/orders/43' })), b.click(b.link({ href: '#' })))), false);
    });
    it('a link to this document without a fragment (it loads the page again) marks the exit nav:true', () => {
      assert.equal(marked((b) => b.click(b.link({ href: '/orders/42?tab=items' }))), true);
    });
    it('a relative link under a <base href> of another origin leaves the exit unmarked', () => {
      assert.equal(marked((b) => (b.base({ href: 'https://cdn.example/assets/' }), b.click(b.link({ href: 'orders/43' })))), false);
    });
    it('a relative SVG link under a <base href> of another origin leaves the exit unmarked', () => {
      assert.equal(marked((b) => (b.base({ href: 'https://cdn.example/assets/' }), b.click(b.svgLink({ href: 'orders/43' })))), false);
    });
    it('a relative link under a <base href> of the same origin marks the exit nav:true', () => {
      assert.equal(marked((b) => (b.base({ href: '/shop/' }), b.click(b.link({ href: 'orders/43' })))), true);
    });
    it('a link to another page of the application with a fragment marks the exit nav:true', () => {
      assert.equal(marked((b) => b.click(b.link({ href: '/orders/43#lines' }))), true);
    });
    it('a form posting to a fragment of this document (it loads the page again) marks the exit nav:true', () => {
      assert.equal(marked((b) => b.submit(b.form({ action: '#comments', method: 'post' }))), true);
    });

    // Form attributes are read as attributes: a field named action, method or target shadows the
    // form's property of that name (HTMLFormElement named access).
    it('a form whose field named "action" shadows form.action is read by its action attribute', () => {
      const act = (b) => b.submit(b.form({ action: 'https://pay.example/checkout', method: 'post' }, { name: 'action', value: 'pay' }));
      assert.equal(marked(act), false);
    });
    it('a form without an action attribute and a field named "action" submits to this document', () => {
      assert.equal(marked((b) => b.submit(b.form({ method: 'post' }, { name: 'action', value: 'save' }))), true);
    });
    it('a dialog form whose field named "method" shadows form.method leaves the exit unmarked', () => {
      assert.equal(marked((b) => b.submit(b.form({ method: 'dialog' }, { name: 'method', value: 'card' }))), false);
    });
    it('a form with method=DIALOG (enumerated, any case) leaves the exit unmarked', () => {
      assert.equal(marked((b) => b.submit(b.form({ method: 'DIALOG' }, { name: 'method', value: 'card' }))), false);
    });
    it('a submit button with formmethod=dialog leaves the exit unmarked', () => {
      assert.equal(marked((b) => b.submit(b.form({ action: '/orders', method: 'post' }), b.button({ formmethod: 'dialog' }))), false);
    });
    it('a submit button with formmethod=post on a dialog form marks the exit nav:true', () => {
      assert.equal(marked((b) => b.submit(b.form({ action: '/orders', method: 'dialog' }), b.button({ formmethod: 'post' }))), true);
    });
    it("a submit button's formaction on another site replaces the form's own action", () => {
      const act = (b) => b.submit(b.form({ action: '/orders', method: 'post' }), b.button({ formaction: 'https://pay.example/' }));
      assert.equal(marked(act), false);
    });
    it("a submit button's empty formaction submits to this document", () => {
      const act = (b) => b.submit(b.form({ action: 'https://pay.example/', method: 'post' }), b.button({ formaction: '' }));
      assert.equal(marked(act), true);
    });

    // The Navigation API's navigate event: a download leaves the page where it is.
    const withNavigation = (b) => (b.window.navigation = new EventTarget());
    const navigate = (b, props) => {
      const e = new Event('navigate', { cancelable: true });
      Object.assign(e, { navigationType: 'push', canIntercept: true, hashChange: false, downloadRequest: null }, props);
      b.window.navigation.dispatchEvent(e);
      return e;
    };
    it('a download reported by the navigate event leaves the exit unmarked', () => {
      const b = started({}, withNavigation);
      const exit = exitAfter(b, () => {
        b.click(b.link({ href: '/report.pdf', download: '' }));
        navigate(b, { destination: { url: 'https://app.example/report.pdf', sameDocument: false }, downloadRequest: '' });
      });
      assert.equal('nav' in exit, false);
    });
    it('a cross-document navigate event still marks the exit nav:true', () => {
      const b = started({}, withNavigation);
      const exit = exitAfter(b, () => navigate(b, { destination: { url: 'https://app.example/orders/43', sameDocument: false } }));
      assert.equal(exit.nav, true);
    });

    // Issue 15 (a): a router that intercepts the navigation (NavigateEvent.intercept) keeps the
    // page; the browser fires navigatesuccess once the route has changed.
    it('a link whose navigation a router intercepted leaves the exit of a tab closed right after unmarked', () => {
      const b = started({}, withNavigation);
      const exit = exitAfter(b, () => {
        b.click(b.link({ href: '/orders/43' }));
        navigate(b, { destination: { url: 'https://app.example/orders/43', sameDocument: false } });
        b.window.navigation.dispatchEvent(new Event('navigatesuccess'));
      });
      assert.equal('nav' in exit, false);
    });

    // Issue 15 (d): a classic script's top-level const or let is a global binding that hides the
    // window's property of that name from any other script's bare name.
    it("a page's own top-level `const navigation` does not hide the window's navigate events", () => {
      const b = started({}, (b) => {
        withNavigation(b);
        b.run('const navigation = ["Home", "Orders"];');
      });
      const exit = exitAfter(b, () => navigate(b, { destination: { url: 'https://app.example/orders/43', sameDocument: false } }));
      assert.equal(exit.nav, true);
    });
    it("a page's own top-level `let name` does not hide the window's name from a link's target", () => {
      const b = started({ name: 'main' }, (b) => b.run('let name = "Alice";'));
      assert.equal(exitAfter(b, () => b.click(b.link({ href: '/orders/43', target: 'main' }))).nav, true);
    });

    // Issue 15 (b): a blob: URL's origin is the page's, but it loads nothing of the application.
    it('a link to a blob: URL of the page leaves the exit unmarked', () => {
      const b = started();
      const href = b.window.URL.createObjectURL(new b.window.Blob(['a,b'], { type: 'text/csv' }));
      assert.equal('nav' in exitAfter(b, () => b.click(b.link({ href }))), false);
    });
  });
}
