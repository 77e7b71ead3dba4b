package dev.farewell.beacon;

import dev.farewell.SignalType;
import java.util.Optional;

/** One parsed and checked message of wire protocol v1. */
record BeaconMessage(
    SignalType type, Optional<String> token, String page, long seq, boolean hidden, boolean nav) {}
