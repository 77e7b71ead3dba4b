/**
 * Implementation of the engine: the in-memory Caffeine session store and the release pipeline. Not
 * an API: anything here may change in any release.
 */
package dev.farewell.internal;
