// The start form: offer the chosen env's task ids (fetched from /tasks) as suggestions.
(function () {
  const env = document.getElementById("env");
  const split = document.getElementById("split");
  const list = document.getElementById("task-ids");
  async function refresh() {
    const query = new URLSearchParams({ env: env.value, split: split.value });
    const response = await fetch(`/tasks?${query}`);
    if (!response.ok) return;
    const ids = await response.json();
    list.replaceChildren(...ids.map((id) => { const o = document.createElement("option"); o.value = id; return o; }));
  }
  env.addEventListener("change", refresh);
  split.addEventListener("change", refresh);
  refresh();
})();
