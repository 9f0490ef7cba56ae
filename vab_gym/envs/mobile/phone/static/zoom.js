// Zoom's join page: the meeting ID is grouped as it is typed ("123 456 7890"), and every
// field is saved as it changes (the env waits for window.__pending to be 0).
'use strict';
function groupMeetingId(digits) {
  if (digits.length <= 3) return digits;
  if (digits.length <= 6) return `${digits.slice(0, 3)} ${digits.slice(3)}`;
  if (digits.length <= 10) return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
  return `${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7, 11)}`;
}
document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-save]').forEach((input) => {
    input.addEventListener('input', () => {
      if (input.dataset.format === 'meeting') {
        input.value = groupMeetingId(input.value.replace(/\D/g, '').slice(0, 11));
        input.setSelectionRange(input.value.length, input.value.length);
      }
      window.__pending += 1;
      fetch(input.dataset.save, { method: 'POST', body: new URLSearchParams({ field: input.name, value: input.value }) })
        .finally(() => { window.__pending -= 1; });
    });
  });
});
