package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.farewell.Farewell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScriptInjectionFilterBuilderTest {

  private final Farewell farewell = Farewell.newBuilder().build();
  private final FarewellServlet servlet = FarewellServlet.newBuilder(farewell).build();

  @AfterEach
  void close() {
    farewell.close();
  }

  @Test
  void pathPatternsAreCheckedAtOnceWithTheFormsTheyMayTake() {
    for (String bad : new String[] {"login", "/a*", "/a/*/b", "*.", "*./x", ""}) {
      assertThatThrownBy(() -> ScriptInjectionFilter.newBuilder(servlet).exclude(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("a path pattern is /exact, /prefix/* or *.extension, was \"" + bad + "\"");
    }
    ScriptInjectionFilter.newBuilder(servlet).include("/*", "/app/*", "/home", "*.html").build();
  }

  @Test
  void thePredicateIsSetOnce() {
    assertThatThrownBy(() -> ScriptInjectionFilter.newBuilder(servlet)
            .watchWhen(request -> true).watchWhen(request -> false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("watchWhen was already set");
  }

  @Test
  void patternsMatchAsServletUrlPatternsDo() {
    assertThat(ScriptInjectionFilter.matches("/*", "/anything")).isTrue();
    assertThat(ScriptInjectionFilter.matches("/app/*", "/app")).isTrue();
    assertThat(ScriptInjectionFilter.matches("/app/*", "/app/page")).isTrue();
    assertThat(ScriptInjectionFilter.matches("/app/*", "/application")).isFalse();
    assertThat(ScriptInjectionFilter.matches("*.html", "/a/b.html")).isTrue();
    assertThat(ScriptInjectionFilter.matches("*.html", "/a/b.htm")).isFalse();
    assertThat(ScriptInjectionFilter.matches("/login", "/login")).isTrue();
    assertThat(ScriptInjectionFilter.matches("/login", "/login/x")).isFalse();
  }
}
