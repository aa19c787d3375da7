(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll("section.slide"));
  var count = document.getElementById("deck-count");
  var current = 0;
  function resizeCharts(slide) {
    if (!window.Plotly) { return; }
    slide.querySelectorAll(".plotly-graph-div").forEach(function (div) {
      try { window.Plotly.Plots.resize(div); } catch (e) { /* chart not drawn yet */ }
    });
  }
  function show(index) {
    if (!slides.length) { return; }
    current = Math.max(0, Math.min(slides.length - 1, index));
    slides.forEach(function (s, i) { s.classList.toggle("active", i === current); });
    count.textContent = (current + 1) + " / " + slides.length;
    document.body.setAttribute("data-slide", String(current + 1));
    if (history.replaceState) { history.replaceState(null, "", "#" + slides[current].id); }
    resizeCharts(slides[current]);
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    if (["ArrowRight", "PageDown", " ", "Enter"].indexOf(e.key) >= 0) { show(current + 1); e.preventDefault(); }
    else if (["ArrowLeft", "PageUp", "Backspace"].indexOf(e.key) >= 0) { show(current - 1); e.preventDefault(); }
    else if (e.key === "Home") { show(0); e.preventDefault(); }
    else if (e.key === "End") { show(slides.length - 1); e.preventDefault(); }
  });
  document.getElementById("deck-next").addEventListener("click", function () { show(current + 1); });
  document.getElementById("deck-prev").addEventListener("click", function () { show(current - 1); });
  var start = 0;
  var hash = window.location.hash.replace("#", "");
  slides.forEach(function (s, i) { if (s.id === hash) { start = i; } });
  if (/[?&]print\b/.test(window.location.search)) {
    document.body.classList.add("deck-print");  // every slide laid out, for PDF export
    return;
  }
  document.body.classList.add("deck-ready");
  show(start);
  window.addEventListener("beforeprint", function () {
    slides.forEach(function (s) { resizeCharts(s); });
  });
})();
