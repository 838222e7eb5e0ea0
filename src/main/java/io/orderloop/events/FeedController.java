package io.orderloop.events;

import io.orderloop.common.QueryParameters;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The pull feed: every event in commit order, after an opaque cursor. */
@RestController
class FeedController {

  private final Feed feed;

  FeedController(Feed feed) {
    this.feed = feed;
  }

  @Operation(operationId = "readEventFeed", summary = "Read the event feed in commit order")
  @GetMapping("/api/v1/events")
  Feed.Page events(
      @RequestParam(required = false) String after,
      @RequestParam(defaultValue = "100") int limit,
      @RequestParam(required = false) String type) {
    QueryParameters.limit(limit);
    return feed.page(after, limit, type == null || type.isBlank() ? null : type);
  }
}
