package dev.farewell.sample.boot;

import java.security.Principal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The page a logged-in user sees; its template prints the {@code farewellScript} attribute. */
@Controller
class HomeController {

  private final RecentReleases releases;

  HomeController(RecentReleases releases) {
    this.releases = releases;
  }

  @GetMapping("/")
  String home(Principal user, Model model) {
    model.addAttribute("user", user.getName());
    model.addAttribute("releases", releases.list());
    return "home";
  }
}
