// The phone's behaviour in the page: system Back and Home, Enter moving to the next field,
// type pickers, list filters, message drafts saved as they are typed, long presses.
'use strict';
window.__pending = 0;
window.__leaving = false; // set when a tap, Back or Home starts loading another screen
window.addEventListener('beforeunload', () => { window.__leaving = true; });

function phoneBack() {
  const open = document.querySelector('.dialog.client:not(.hidden)');
  if (open) { closeTypeDialog(); return; }
  const target = document.body.dataset.back;
  if (target && target !== location.pathname + location.search) location.href = target;
  else if (target !== '/') history.back();
}
function phoneHome() { location.href = '/'; }

// Long press: what an element does when held (data-longpress), else nothing.
function phoneLongPress(x, y) {
  const hit = document.elementFromPoint(x, y);
  const target = hit && hit.closest('[data-longpress]');
  if (!target) return false;
  location.href = target.dataset.longpress;
  return true;
}

function closeTypeDialog() {
  document.getElementById('type-dialog').classList.add('hidden');
  document.getElementById('type-scrim').classList.add('hidden');
}

document.addEventListener('DOMContentLoaded', () => {
  // A tapped field puts its cursor at the end (time fields select their digits, as
  // Material's time-input fields do), so typing replaces what AndroidLab's deletes clear.
  document.querySelectorAll('input, textarea').forEach((field) => {
    const place = () => {
      if (field.type === 'radio' || field.type === 'checkbox') return;
      if (field.inputMode === 'numeric') field.select();
      else field.setSelectionRange(field.value.length, field.value.length);
    };
    field.addEventListener('focus', () => setTimeout(place, 0));
    field.addEventListener('click', place);
  });
  // Enter in a one-line field goes to the next field, as Android's IME "Next" does.
  document.querySelectorAll('input').forEach((input) => {
    input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      const fields = [...document.querySelectorAll('input:not([type=hidden]):not([type=radio]):not([type=checkbox])')];
      const next = fields[fields.indexOf(input) + 1];
      if (next) next.focus(); else input.blur();
    });
  });
  // Type pickers (Mobile / Work / ...): a dialog of choices writing a hidden field.
  const dialog = document.getElementById('type-dialog');
  document.querySelectorAll('.type-btn').forEach((button) => {
    button.addEventListener('click', () => {
      const box = document.getElementById('type-choices');
      box.innerHTML = '';
      const hidden = document.getElementById(button.dataset.target);
      for (const choice of button.dataset.choices.split('|')) {
        const row = document.createElement('button');
        row.type = 'button';
        row.className = 'row';
        row.setAttribute('role', 'radio');
        row.setAttribute('aria-checked', String(choice === hidden.value));
        row.innerHTML = `<span class="radio${choice === hidden.value ? ' on' : ''}"></span><span class="row-text"></span>`;
        row.querySelector('.row-text').textContent = choice;
        row.addEventListener('click', () => {
          hidden.value = choice;
          button.textContent = choice + ' \u25BE';
          button.setAttribute('aria-label', button.getAttribute('aria-label').replace(/\S+$/, choice));
          closeTypeDialog();
        });
        box.appendChild(row);
      }
      dialog.classList.add('client');
      dialog.classList.remove('hidden');
      document.getElementById('type-scrim').classList.remove('hidden');
    });
  });
  const scrim = document.getElementById('type-scrim');
  if (scrim) scrim.addEventListener('click', closeTypeDialog);
  // Search fields filter their list by name as they are typed.
  document.querySelectorAll('[data-filter]').forEach((input) => {
    input.addEventListener('input', () => {
      const needle = input.value.trim().toLowerCase();
      document.querySelectorAll(input.dataset.filter).forEach((row) => {
        row.style.display = row.dataset.name.toLowerCase().includes(needle) ? '' : 'none';
      });
      document.querySelectorAll('.letter').forEach((letter) => {
        letter.style.display = needle ? 'none' : '';
      });
    });
  });
  // Message drafts are saved as they are typed (the env waits for __pending to be 0).
  document.querySelectorAll('[data-draft]').forEach((area) => {
    area.addEventListener('input', () => {
      window.__pending += 1;
      fetch(area.dataset.draft, { method: 'POST', body: new URLSearchParams({ body: area.value }) })
        .finally(() => { window.__pending -= 1; });
    });
    area.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') { event.preventDefault(); area.value += '\n'; area.dispatchEvent(new Event('input')); }
    });
  });
});
