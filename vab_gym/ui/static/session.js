// The annotation page: a click on the screenshot asks the server which element is under
// the pointer and fills in the action that acts on it (WebArena-Lite, Mobile).
(function () {
  const session = document.currentScript.dataset.session;
  const screen = document.querySelector(".screen.clickable");
  if (!screen) return;
  const image = document.getElementById("observation");
  const pick = document.getElementById("pick");
  const action = document.getElementById("action");
  const picked = document.getElementById("picked");
  image.addEventListener("click", async (event) => {
    const rect = image.getBoundingClientRect();
    const scaleX = Number(image.dataset.width) / rect.width;
    const scaleY = Number(image.dataset.height) / rect.height;
    const x = (event.clientX - rect.left) * scaleX;
    const y = (event.clientY - rect.top) * scaleY;
    const response = await fetch(`/annotate/${session}/point`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ x: x.toFixed(1), y: y.toFixed(1) }),
    });
    const region = response.ok ? await response.json() : null;
    if (!region) {
      pick.hidden = true;
      picked.textContent = "no element there";
      return;
    }
    const [x1, y1, x2, y2] = region.box;
    Object.assign(pick.style, {
      left: `${x1 / scaleX}px`, top: `${y1 / scaleY}px`,
      width: `${(x2 - x1) / scaleX}px`, height: `${(y2 - y1) / scaleY}px`,
    });
    pick.hidden = false;
    action.value = region.action;
    picked.textContent = region.label;
    action.focus();
  });
})();
