/**
 * The Farewell browser snippet, packaged for Java servers: {@link dev.farewell.snippet.Snippet}
 * loads the minified script shipped in this jar and gives what serving it takes (gzip, ETag,
 * Subresource Integrity). The servlet adapter serves it at {@code GET {base}/farewell.js}.
 */
package dev.farewell.snippet;
