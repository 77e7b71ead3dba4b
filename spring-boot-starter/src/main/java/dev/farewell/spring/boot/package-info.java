/**
 * Farewell for Spring Boot 3.5 and 4.0: add {@code farewell-spring-boot-starter} and set {@code
 * farewell.token.secret}; the engine, the endpoints, the {@code HttpSession} bridge, Spring
 * Security's concurrency control and Spring Session are wired by {@link
 * dev.farewell.spring.boot.FarewellAutoConfiguration}. See docs/spring-boot.md.
 */
package dev.farewell.spring.boot;
