// Preview only (policygen serve): waits for the server to say the site was rebuilt, then
// reloads. The version this page was built from is in this script's own address.
(function () {
  "use strict";
  var me = document.currentScript;
  var version = (me && me.src.split("v=")[1]) || "0";
  function wait() {
    fetch("/__policygen/wait?version=" + version, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (String(answer.version) !== version) { window.location.reload(); } else { wait(); }
      })
      .catch(function () { setTimeout(wait, 1000); });
  }
  wait();
}());
