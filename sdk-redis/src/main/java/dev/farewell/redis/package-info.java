/**
 * Farewell on several nodes: {@link dev.farewell.redis.RedisSessionStore} keeps sessions, pages
 * and deadlines in Redis so that any node may take any signal and each session is still released
 * exactly once, by one node. Pass it to {@code Farewell.Builder.store}; see
 * {@code docs/multi-node.md} for the data model, the claim protocol and outage behaviour.
 */
package dev.farewell.redis;
