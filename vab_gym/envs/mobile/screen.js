// The screen as Android's UI tree would list it, for vab_gym/envs/mobile/screen.py: one
// node per view a person can see, in document order, each with an Android widget class,
// its own text, content description, clickable/focusable/checked/selected flags,
// scrollability and bounds in device pixels. Text belongs to the innermost element that
// holds it directly (Android's TextViews); rows, buttons and links are clickable
// containers around them, as Android's clickable layouts are.
// `dpr` is the emulated device's pixel ratio (passed in: in Chromium's mobile emulation
// window.devicePixelRatio reads 1 once an input has the focus).
(dpr) => {
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  const CLICKABLE = 'a[href], button:not([disabled]), input:not([type=hidden]):not([type=radio]), textarea, label:has(input[type=checkbox], input[type=radio]), [role=button], [role=switch], [role=tab], [role=checkbox], [role=radio], [role=menuitem], [data-longpress], [onclick]';
  // A radio or check box wrapped in its label is one Android RadioButton/CheckBox with text.
  const boxOf = (el) => (el.tagName === 'LABEL' ? el.querySelector('input[type=radio], input[type=checkbox]') : null);
  const classOf = (el) => {
    const box = boxOf(el);
    if (box && box.type === 'radio') return 'RadioButton';
    if (box) return 'CheckBox';
    const role = el.getAttribute('role');
    const tag = el.tagName;
    if (role === 'switch') return 'Switch';
    if (role === 'checkbox' || (tag === 'INPUT' && el.type === 'checkbox')) return 'CheckBox';
    if (role === 'radio' || (tag === 'INPUT' && el.type === 'radio')) return 'RadioButton';
    if (tag === 'INPUT' || tag === 'TEXTAREA') return 'EditText';
    if (role === 'tab') return 'TabView';
    if (tag === 'BUTTON') return el.textContent.trim() && !el.querySelector('span') ? 'Button' : 'ImageButton';
    if (tag === 'A' || tag === 'LABEL' || el.hasAttribute('data-longpress')) return 'LinearLayout';
    return 'TextView';
  };
  const ownText = (el) => {
    if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') return el.value;
    if (boxOf(el) && !el.getAttribute('aria-label')) return el.textContent.replace(/[ \t\r\n]+/g, ' ').trim();
    let text = '';
    for (const child of el.childNodes) if (child.nodeType === 3) text += child.textContent;
    return text.replace(/[ \t\r\n]+/g, ' ').trim(); // keeps Clock's hair spaces
  };
  const visible = (el, r) => {
    if (r.width < 1 || r.height < 1) return false;
    if (r.right <= 0 || r.bottom <= 0 || r.left >= vw || r.top >= vh) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.opacity === '0') return false;
    // Covered by a dialog's scrim or another window: not on this screen.
    const x = Math.min(Math.max((Math.max(r.left, 0) + Math.min(r.right, vw)) / 2, 0), vw - 1);
    const y = Math.min(Math.max((Math.max(r.top, 0) + Math.min(r.bottom, vh)) / 2, 0), vh - 1);
    const hit = document.elementFromPoint(x, y);
    return !!hit && (el.contains(hit) || hit.contains(el) || !!hit.closest('label') && hit.closest('label').contains(el));
  };
  const scrollable = (el) => {
    const style = getComputedStyle(el);
    return /(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
  };
  const nodes = [];
  const walk = (el, parent) => {
    if (el.nodeType !== 1 || el.tagName === 'SCRIPT' || el.tagName === 'STYLE') return;
    const style = getComputedStyle(el);
    if (style.display === 'none') return;
    const r = el.getBoundingClientRect();
    const clickable = el.matches(CLICKABLE) && !el.closest('[aria-hidden=true]');
    const desc0 = el.getAttribute('aria-label');
    // An icon glyph is not text: Android's image buttons carry only a description.
    const text = desc0 && !/[\p{L}\p{N}]/u.test(ownText(el)) ? '' : ownText(el);
    const desc = el.getAttribute('aria-label') || (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' ? el.getAttribute('placeholder') || '' : '');
    const isScroll = scrollable(el);
    if ((clickable || text || desc || isScroll) && !el.closest('[aria-hidden=true]') && visible(el, r)) {
      const box = el.tagName === 'INPUT' ? el : (el.tagName === 'LABEL' ? el.querySelector('input[type=radio]') : null);
      const checkedAttr = el.getAttribute('aria-checked');
      const checkable = checkedAttr !== null || (!!box && (box.type === 'checkbox' || box.type === 'radio'));
      const checked = checkedAttr === 'true' || (!!box && checkable && box.checked);
      el.dataset.node = String(nodes.length);
      nodes.push({
        parent,
        cls: classOf(el), text, desc, clickable,
        // What a clickable container shows (AndroidLab's compressed tree merges it in).
        content: clickable ? (el.innerText || '').replace(/[ \t\r\n]+/g, ' ').trim().slice(0, 200) : '',
        focusable: clickable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA',
        long_clickable: el.hasAttribute('data-longpress'),
        scrollable: isScroll, checkable, checked,
        selected: el.getAttribute('aria-selected') === 'true' || el.classList.contains('selected'),
        focused: document.activeElement === el,
        editable: el.tagName === 'INPUT' || el.tagName === 'TEXTAREA',
        bounds: [Math.max(0, r.left), Math.max(0, r.top), Math.min(vw, r.right), Math.min(vh, r.bottom)]
          .map((v) => Math.round(v * dpr)),
      });
    }
    const here = el.dataset.node !== undefined && nodes[Number(el.dataset.node)] ? Number(el.dataset.node) : parent;
    for (const child of el.children) walk(child, here);
  };
  document.querySelectorAll('[data-node]').forEach((el) => { delete el.dataset.node; });
  walk(document.body, -1);
  return { nodes, url: location.pathname + location.search, app: document.body.dataset.app || '' };
}
