package com.example.seats;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

/**
 * The other way to free the seat: whenever the HttpSession ends (logout, the container's timeout,
 * or Farewell's {@code invalidateOnRelease} when the last tab went).
 */
public final class SeatListener implements HttpSessionListener {
  private final Seats seats;

  public SeatListener(Seats seats) {
    this.seats = seats;
  }

  @Override
  public void sessionDestroyed(HttpSessionEvent event) {
    if (event.getSession().getAttribute("user") instanceof String user) {
      seats.free(user);
    }
  }
}
