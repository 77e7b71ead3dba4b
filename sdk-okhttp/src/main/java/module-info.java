/** A Farewell release action that tells another service over HTTP, through OkHttp. */
module dev.farewell.okhttp {
  requires transitive dev.farewell.core;
  requires transitive okhttp3;

  exports dev.farewell.okhttp;
}
