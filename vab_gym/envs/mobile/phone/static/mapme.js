// Maps.me's search field searches as it is typed (the env waits for the new screen to load).
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const field = document.getElementById('map-query');
  if (!field) return;
  if (field.value) {
    field.focus();
    field.setSelectionRange(field.value.length, field.value.length);
  }
  field.addEventListener('input', () => {
    const url = new URL(field.dataset.search, location.origin);
    if (field.value.trim()) url.searchParams.set('q', field.value);
    location.replace(url.pathname + url.search);
  });
});
