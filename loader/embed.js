/* The script-tag embed: settings from the tag's own data-* attributes, API on window.Chatward. */
var script = document.currentScript;
if (script && !window.Chatward) {
  var config = chatwardSettings(
    function (name) { return script.getAttribute("data-" + name); },
    script.getAttributeNames().filter(function (n) { return n.indexOf("data-") === 0; })
      .map(function (n) { return n.slice(5); })
  );
  if (config) {
    var widget = chatwardWidget(config);
    var destroy = widget.destroy;
    widget.destroy = function () { destroy(); delete window.Chatward; };
    window.Chatward = widget;
  }
}
