// The episode page: show one step at a time (buttons, the timeline, arrow keys).
(function () {
  const steps = Array.from(document.querySelectorAll("section.step"));
  const position = document.getElementById("position");
  let current = 0;
  function show(index) {
    current = Math.max(0, Math.min(steps.length - 1, index));
    steps.forEach((section, i) => { section.hidden = i !== current; });
    document.querySelectorAll(".timeline button").forEach((b) => {
      b.classList.toggle("current", Number(b.dataset.goto) === current);
    });
    document.querySelectorAll("svg.curve circle").forEach((c) => {
      c.classList.toggle("current", Number(c.dataset.step) === current);
    });
    position.textContent = current === 0 ? "reset" : `step ${current} of ${steps.length - 1}`;
  }
  document.getElementById("prev").addEventListener("click", () => show(current - 1));
  document.getElementById("next").addEventListener("click", () => show(current + 1));
  document.querySelectorAll("[data-goto]").forEach((b) => {
    b.addEventListener("click", () => show(Number(b.dataset.goto)));
  });
  document.querySelectorAll("svg.curve circle").forEach((c) => {
    c.addEventListener("click", () => show(Number(c.dataset.step)));
  });
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, select, textarea")) return;
    if (event.key === "ArrowLeft") show(current - 1);
    if (event.key === "ArrowRight") show(current + 1);
  });
  show(0);
})();
