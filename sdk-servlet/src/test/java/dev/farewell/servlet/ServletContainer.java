package dev.farewell.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.net.URI;

/** An embedded servlet container that a test starts on 127.0.0.1 and a free port. */
interface ServletContainer extends AutoCloseable {

  /** Starts a context at the root path whose only setup is {@code initializer}; returns its URL. */
  URI start(ServletContainerInitializer initializer) throws Exception;

  @Override
  void close() throws Exception;
}
