/**
 * The Farewell browser snippet, shipped as a resource at {@code META-INF/resources/farewell/farewell.js}
 * (a directory that is not a package, so the module system does not encapsulate it), and {@code
 * dev.farewell.snippet.Snippet}, which serves it with its ETag and Subresource Integrity value.
 */
module dev.farewell.snippet {
  exports dev.farewell.snippet;
}
