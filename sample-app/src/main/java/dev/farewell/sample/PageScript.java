package dev.farewell.sample;

import jakarta.servlet.http.HttpServletRequest;

/** Renders the Farewell snippet of one app page, with that page's token. */
@FunctionalInterface
interface PageScript {

  /** Returns the HTML that loads and starts the snippet for {@code login}. */
  String render(HttpServletRequest request, Login login);
}
