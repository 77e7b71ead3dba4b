/**
 * The beacon endpoint of wire protocol v1, free of any web framework: {@link
 * dev.farewell.beacon.BeaconHandler} turns a {@link dev.farewell.beacon.BeaconRequest} into a
 * signal for the engine and a {@link dev.farewell.beacon.BeaconResponse}; {@link
 * dev.farewell.beacon.PageTokens} issues and verifies the signed tokens that tie pages to sessions;
 * {@link dev.farewell.beacon.OriginPolicy} says which web origins may signal. Adapters (the servlet
 * module, Spring, a plain JDK server) implement {@code BeaconRequest} and write the response; see
 * {@code docs/protocol.md} and {@code docs/security.md}.
 */
package dev.farewell.beacon;
