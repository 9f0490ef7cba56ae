// Set-of-Marks candidates of the page in the viewport, for vab_gym/envs/webarena/som.py.
// mode "vab": VAB-WebArena-Lite's processors.py:ImageObservationProcessor (get_page_bboxes
// and draw_bounding_boxes) rule for rule. mode "suite": the same selectors and limits plus
// our own visibility, hit-test and nesting rules and extra selectors.
// Returns the elements in document order; numbers the interactive ones and tags them with
// data-som-id so that tests and tools find them again.
(mode) => {
  // Not shown to the agent: what names a field (for the program solver).
  const labelOf = (el) => [el.getAttribute('placeholder'), el.getAttribute('aria-label'),
    ...Array.from(el.labels || [], (l) => l.textContent)].filter(Boolean).join(' ').trim();
  // Not shown either: whether typing into the element enters text (for grounding).
  const TEXT_TYPES = new Set(['text', 'search', 'email', 'password', 'number', 'tel', 'url']);
  const typeableOf = (el) => !el.disabled && !el.readOnly && (el.isContentEditable
    || el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && TEXT_TYPES.has(el.type)));
  if (mode === 'vab') {
    // get_page_bboxes: VAB's 19 selectors; text elements whose parent is no control.
    const VAB_INTERACTIVE = [
      'a[href]:not(:has(img))', 'a[href] img', 'button', 'input:not([type="hidden"])',
      'textarea', 'select', '[tabindex]:not([tabindex="-1"])', '[contenteditable="true"]',
      '[role="button"]', '[role="link"]', '[role="checkbox"]', '[role="menuitem"]',
      '[role="tab"]', '[draggable="true"]', '.btn', 'a[href="/notifications"]',
      'a[href="/submit"]', '.fa.fa-star.is-rating-item', 'input[type="checkbox"]',
    ];
    const interactive = VAB_INTERACTIVE.join(', ');
    const text = ['p', 'span', 'div:not(:has(*))', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li',
      'article'].map((s) => `:not(${interactive}):not(style) > ${s}`);
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    // draw_bounding_boxes: alt (images) + textContent without '"', stripped, newlines and
    // tabs deleted, 200 code points.
    const content = (el) => {
      const alt = el.tagName === 'IMG' ? (el.getAttribute('alt') || '').replace(/"/g, '') : '';
      const body = (el.textContent || '').replace(/"/g, '').trim().replace(/[\n\t]/g, '');
      return alt + Array.from(body).slice(0, 200).join('');
    };
    for (const old of document.querySelectorAll('[data-som-id]')) old.removeAttribute('data-som-id');
    const out = [];
    let id = 0;
    for (const el of document.querySelectorAll([interactive, ...text].join(', '))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.bottom < 0 || r.top > vh || r.right < 0 || r.left > vw) continue;
      if (r.width * r.height > 0.8 * vw * vh) continue;
      const isControl = el.matches(interactive);
      const item = {
        id: -1, tag: el.tagName, text: content(el), box: [r.left, r.top, r.width, r.height],
        center: [(r.left + r.right) / 2, (r.top + r.bottom) / 2], interactive: isControl,
        shown: true, label: '', typeable: false,
      };
      if (isControl) {
        id += 1; // a control under 8 px uses up an id and stays clickable, unlisted
        item.id = id;
        item.shown = r.width >= 8 && r.height >= 8;
        item.label = labelOf(el);
        item.typeable = typeableOf(el);
        el.setAttribute('data-som-id', String(id));
      }
      out.push(item);
    }
    return out;
  }
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
    out.push({ id, tag: el.tagName, text, box, center: point, interactive, shown: true,
      label: interactive ? labelOf(el) : '', typeable: interactive && typeableOf(el) });
  }
  return out;
}
