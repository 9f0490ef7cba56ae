// Set-of-Marks candidates of the page in the viewport, for vab_gym/envs/webarena/som.py.
// The selectors and the size/area limits follow VisualWebArena's get_page_bboxes (used by
// VAB-WebArena-Lite); the visibility and nesting rules are ours (see som.py).
// Returns the elements in document order; numbers the interactive ones 0, 1, ... and tags
// them with data-som-id so that actions find them again.
() => {
  // VAB's interactive selectors, then the extras that VAB misses on real sites.
  const INTERACTIVE = [
    'a[href]:not(:has(img))', 'a[href] img', 'button', 'input:not([type="hidden"])',
    'textarea', 'select', '[tabindex]:not([tabindex="-1"])', '[contenteditable="true"]',
    '[role="button"]', '[role="link"]', '[role="checkbox"]', '[role="menuitem"]',
    '[role="tab"]', '[draggable="true"]', '.btn', '.fa.fa-star.is-rating-item',
    '[contenteditable]:not([contenteditable="false"])', '[onclick]', 'summary',
    'label[for]', 'label:has(input, select, textarea)', '[role="radio"]', '[role="switch"]',
    '[role="option"]', '[role="menuitemcheckbox"]', '[role="menuitemradio"]',
    '[role="combobox"]', '[role="textbox"]', '[role="searchbox"]', '[role="treeitem"]',
  ].join(', ');
  // VAB's text-bearing elements (listed as StaticText when not inside a marked control).
  const TEXT = 'p, span, div:not(:has(*)), h1, h2, h3, h4, h5, h6, li, article';
  const MIN_SIDE = 8; // VAB leaves smaller controls out of the picture and the list
  const MAX_AREA = 0.8; // VAB drops boxes larger than this share of the viewport
  const MAX_CHARS = 200; // VAB's text limit, in code points as Python counts them
  // Chromium's hit test is quadratic in a block of thousands of inline elements (one call can
  // take a second): past this budget the rest of the page is trusted as VAB trusts all of it.
  const HIT_TEST_MS = 300;
  // Input types whose value is not shown as text on screen.
  const NO_VALUE_TEXT = new Set(['password', 'checkbox', 'radio', 'file', 'hidden', 'image']);

  const started = performance.now();
  const vw = window.innerWidth;
  const vh = window.innerHeight;

  // Collapse whitespace, then keep MAX_CHARS code points (never half a surrogate pair),
  // reading only as much of a huge text as that needs.
  const clean = (raw) => {
    for (let size = 1024; ; size *= 4) {
      const whole = raw.length <= size;
      const chars = Array.from(raw.slice(0, size).replace(/\s+/g, ' ').trim());
      if (whole || chars.length > MAX_CHARS) return chars.slice(0, MAX_CHARS).join('').trimEnd();
    }
  };

  // VAB's text (alt of an image + textContent); when that is empty, what a person sees or a
  // screen reader says instead: the value or placeholder, aria-label, the <label>, the title.
  const textOf = (el, interactive) => {
    const alt = el.tagName === 'IMG' ? el.getAttribute('alt') || '' : '';
    const text = clean(alt + (el.textContent || ''));
    if (text || !interactive) return text;
    const shown = [];
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && !NO_VALUE_TEXT.has(type))) {
      shown.push(el.value);
    }
    shown.push(el.getAttribute('placeholder'), el.getAttribute('aria-label'));
    for (const label of el.labels || []) shown.push(label.textContent);
    shown.push(el.getAttribute('title'), el.getAttribute('alt'));
    for (const s of shown) {
      const t = clean(s || '');
      if (t) return t;
    }
    return '';
  };

  // A point inside the visible part of el where el (or its content) is the topmost element:
  // the centre of its box, else the centre of one of its line boxes (a wrapped link). Without
  // `test`, the centre of the visible part, unchecked.
  const hitPoint = (el, r, test) => {
    const lines = test ? el.getClientRects() : [];
    const rects = lines.length > 1 ? [r, ...lines] : [r];
    for (const b of rects) {
      const left = Math.max(0, b.left);
      const top = Math.max(0, b.top);
      const right = Math.min(vw, b.right);
      const bottom = Math.min(vh, b.bottom);
      if (right <= left || bottom <= top) continue;
      const point = [(left + right) / 2, (top + bottom) / 2];
      if (!test) return point;
      const hit = document.elementFromPoint(...point);
      if (hit && el.contains(hit)) return point;
    }
    return null;
  };

  for (const old of document.querySelectorAll('[data-som-id]')) old.removeAttribute('data-som-id');

  const seen = [];
  for (const el of document.querySelectorAll(`${INTERACTIVE}, ${TEXT}`)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.bottom < 0 || r.top > vh || r.right < 0 || r.left > vw) continue;
    if (r.width * r.height > MAX_AREA * vw * vh) continue;
    const interactive = el.matches(INTERACTIVE);
    if (interactive && (r.width < MIN_SIDE || r.height < MIN_SIDE)) continue;
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const point = hitPoint(el, r, performance.now() - started < HIT_TEST_MS);
    if (point) seen.push({ el, r, interactive, point });
  }

  // A control that holds another visible control is marked once, as the inner one: that is
  // what the pointer hits, and the click reaches the outer one's handlers anyway.
  const holders = new Set();
  for (const { el, interactive } of seen) {
    if (!interactive) continue;
    for (let a = el.parentElement; a && !holders.has(a); a = a.parentElement) holders.add(a);
  }

  const marked = new Set();
  const out = [];
  for (const { el, r, interactive, point } of seen) {
    if (interactive && holders.has(el)) continue;
    // VAB lists text elements only outside controls, whose text already contains theirs.
    if (!interactive && marked.has(el.parentElement)) continue;
    const text = textOf(el, interactive);
    if (!interactive && !text) continue;
    let id = -1;
    if (interactive) {
      marked.add(el);
      id = marked.size - 1;
      el.setAttribute('data-som-id', String(id));
    }
    const left = Math.max(0, r.left);
    const top = Math.max(0, r.top);
    const box = [left, top, Math.min(vw, r.right) - left, Math.min(vh, r.bottom) - top];
    out.push({ id, tag: el.tagName, text, box, center: point, interactive });
  }
  return out;
}
