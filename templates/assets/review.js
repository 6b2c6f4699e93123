// Re-checks the review date in the reader's browser: a static page can be read long after
// it was built, and overdue guidance must say so. Without JavaScript the build-time
// state (already in the page) stands.
(function () {
  "use strict";
  var banner = document.getElementById("review-status");
  if (!banner) { return; }
  var parts = (banner.getAttribute("data-next-review") || "").split("-");
  var warnDays = parseInt(banner.getAttribute("data-warn-days"), 10) || 0;
  if (parts.length !== 3) { return; }
  var review = Date.UTC(+parts[0], +parts[1] - 1, +parts[2]);
  var now = new Date();
  var today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  var daysLeft = Math.round((review - today) / 86400000);
  var state = daysLeft < 0 ? "overdue" : (daysLeft <= warnDays ? "due" : "current");
  banner.className = "review review--" + state;
  var messages = banner.querySelectorAll(".review-message");
  for (var i = 0; i < messages.length; i++) {
    messages[i].hidden = messages[i].getAttribute("data-state") !== state;
  }
}());
