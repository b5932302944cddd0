// The offline site's own CSS and JavaScript. Plain files loaded with <link>/<script src> from
// the site folder (file:// pages may load scripts, not fetch JSON); no font, no CDN, no request
// beyond the files beside the page.

/** site/_site/site.css */
export const SITE_CSS = `:root {
  color-scheme: light dark;
  --fg: #1f2328; --muted: #656d76; --bg: #fff; --side: #f7f7f5; --line: #e3e2e0; --hover: rgba(55, 53, 47, 0.08); --link: #0b6bcb; --head: #fbfbfa;
  --chip: rgba(227, 226, 224, 0.7); --c-gray: #e3e2e0; --c-brown: #eee0da; --c-orange: #fadec9; --c-yellow: #fdecc8; --c-green: #dbeddb; --c-blue: #d3e5ef; --c-purple: #e8deee; --c-pink: #f5e0e9; --c-red: #ffe2dd;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6e6e4; --muted: #9b9b98; --bg: #191919; --side: #202020; --line: #373737; --hover: rgba(255, 255, 255, 0.06); --link: #6cb2f5; --head: #232323;
    --chip: rgba(255, 255, 255, 0.09); --c-gray: #474747; --c-brown: #4f3a30; --c-orange: #5c3b23; --c-yellow: #56452a; --c-green: #2b4b3a; --c-blue: #28456c; --c-purple: #483660; --c-pink: #4e2c3c; --c-red: #5e3532;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); text-underline-offset: 2px; }
.layout { display: flex; min-height: 100vh; }
.sidebar { flex: 0 0 280px; width: 280px; background: var(--side); border-right: 1px solid var(--line); padding: 12px 8px 24px; overflow: auto; height: 100vh; position: sticky; top: 0; font-size: 14px; }
.home-link { margin: 4px 6px 10px; font-weight: 600; }
.home-link a { color: var(--fg); text-decoration: none; }
.search { margin: 0 4px 8px; }
.search input { width: 100%; padding: 6px 8px; font: inherit; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
.results { margin: 0 4px 12px; padding-left: 22px; }
.results li { margin: 2px 0; }
.results .none { list-style: none; margin-left: -22px; color: var(--muted); }
.tree ul { list-style: none; margin: 0; padding-left: 14px; }
.tree > ul { padding-left: 0; }
.tree li { margin: 0; }
.tree .row { display: flex; align-items: flex-start; border-radius: 4px; }
.tree .row:hover { background: var(--hover); }
.tree .twisty, .tree .leaf { flex: 0 0 20px; height: 26px; border: 0; background: none; color: var(--muted); cursor: pointer; padding: 0; font: inherit; font-size: 11px; }
.tree a { flex: 1 1 auto; min-width: 0; display: flex; gap: 6px; padding: 3px 4px 3px 0; color: var(--fg); text-decoration: none; line-height: 1.4; }
.tree .icon { flex: 0 0 18px; text-align: center; }
.tree .icon img { width: 16px; height: 16px; vertical-align: -3px; object-fit: contain; }
.tree .label { overflow-wrap: anywhere; }
.glyph { display: inline-block; width: 12px; height: 15px; border: 1.5px solid var(--muted); border-radius: 2px; vertical-align: -2px; opacity: 0.8; color: var(--muted); }
.glyph.doc { background: linear-gradient(currentColor, currentColor) 2px 3px / 5px 1.5px no-repeat, linear-gradient(currentColor, currentColor) 2px 6px / 5px 1.5px no-repeat, linear-gradient(currentColor, currentColor) 2px 9px / 3px 1.5px no-repeat; }
.glyph.db { width: 15px; height: 13px; border-top-width: 4px; background: linear-gradient(currentColor, currentColor) 50% 0 / 1.5px 100% no-repeat; }
.tree a[aria-current="page"] { font-weight: 600; }
.tree .row:has(a[aria-current="page"]) { background: var(--hover); }
.topbar { display: none; }
.content { flex: 1 1 auto; min-width: 0; }
main { max-width: 900px; margin: 0 auto; padding: 0 48px 64px; overflow-wrap: anywhere; }
main.database, main.home { max-width: 1200px; }
.breadcrumb ol { list-style: none; margin: 0; padding: 10px 16px; display: flex; flex-wrap: wrap; font-size: 14px; color: var(--muted); }
.breadcrumb li { min-width: 0; overflow-wrap: anywhere; }
.breadcrumb li + li::before { content: "/"; padding: 0 8px; color: var(--line); }
.breadcrumb a { color: var(--muted); text-decoration: none; }
.breadcrumb a:hover { color: var(--fg); text-decoration: underline; }
.cover { height: 30vh; min-height: 120px; max-height: 200px; background: var(--side); }
.cover img { display: block; width: 100%; height: 100%; object-fit: cover; }
.cover-link { margin: 0; padding: 0 48px; font-size: 13px; color: var(--muted); }
.page-head { padding-top: 48px; margin-bottom: 16px; }
.cover + main .page-head { padding-top: 0; }
.page-icon { display: block; font-size: 64px; line-height: 1.1; margin-bottom: 4px; }
.page-icon img { width: 72px; height: 72px; object-fit: contain; display: block; }
.cover + main .page-icon { margin-top: -38px; position: relative; }
.page-head h1 { font-size: 40px; line-height: 1.2; margin: 8px 0 6px; }
.edited { margin: 0; color: var(--muted); font-size: 14px; }
h1, h2, h3, h4 { line-height: 1.3; }
h2 { margin-top: 1.6em; }
.properties { display: grid; grid-template-columns: minmax(110px, 200px) minmax(0, 1fr); gap: 2px 12px; margin: 0 0 24px; padding: 8px 0 16px; border-bottom: 1px solid var(--line); font-size: 14px; }
.properties dt { color: var(--muted); padding: 4px 0; overflow-wrap: anywhere; }
.properties dd { margin: 0; padding: 4px 0; min-width: 0; }
.muted { color: var(--muted); }
.nowrap { white-space: nowrap; }
.chip { display: inline-block; max-width: 100%; padding: 0 6px; margin: 1px 2px 1px 0; border-radius: 4px; background: var(--chip); font-size: 13px; line-height: 1.6; vertical-align: top; }
.chip a { color: inherit; }
.c-gray { background: var(--c-gray); } .c-brown { background: var(--c-brown); } .c-orange { background: var(--c-orange); } .c-yellow { background: var(--c-yellow); } .c-green { background: var(--c-green); }
.c-blue { background: var(--c-blue); } .c-purple { background: var(--c-purple); } .c-pink { background: var(--c-pink); } .c-red { background: var(--c-red); }
.check { font-weight: 700; }
details.more > summary { cursor: pointer; list-style: none; }
li.task { list-style: none; }
li.task > input { margin: 0 6px 0 -20px; vertical-align: middle; }
div.math { overflow-x: auto; margin: 12px 0; }
details.more > summary::-webkit-details-marker { display: none; }
.more-count { display: inline-block; font-size: 13px; color: var(--link); white-space: nowrap; }
details.more[open] .more-count { display: none; }
.description { color: var(--muted); }
.data-files { font-size: 14px; color: var(--muted); }
.table-wrap { overflow-x: auto; margin: 1em 0; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; font-size: 14px; line-height: 1.5; }
.table-wrap > table { margin: -1px; }
th, td { border: 1px solid var(--line); padding: 6px 8px; vertical-align: top; text-align: left; }
th { background: var(--head); font-weight: 600; }
main.database th { color: var(--muted); font-weight: 500; cursor: pointer; user-select: none; white-space: nowrap; }
main.database th[aria-sort="ascending"]::after { content: " \\25B2"; }
main.database th[aria-sort="descending"]::after { content: " \\25BC"; }
main.database td { min-width: 7em; max-width: 22em; overflow-wrap: break-word; }
main.database td.title { min-width: 16em; font-weight: 500; }
main.database td.title a { color: var(--fg); }
main.database td.date { white-space: nowrap; }
main.database td.wide { min-width: 13em; }
main.database td.narrow { min-width: 0; text-align: center; }
main.database td .chip { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 18em; }
main.database .num { text-align: right; white-space: nowrap; min-width: 5em; font-variant-numeric: tabular-nums; }
main.database tbody tr:hover { background: var(--hover); }
.cell { max-height: 7em; overflow-y: auto; }
.cards { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 12px; }
.cards li { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
.cards li:hover { background: var(--hover); }
.cards a { display: flex; align-items: center; gap: 8px; font-weight: 600; color: var(--fg); text-decoration: none; }
.cards p { margin: 6px 0 0; font-size: 14px; color: var(--muted); display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.card-icon { flex: 0 0 24px; font-size: 20px; line-height: 1; text-align: center; }
.card-icon img { width: 22px; height: 22px; object-fit: contain; display: block; }
.about { margin-top: 32px; font-size: 14px; color: var(--muted); }
img { max-width: 100%; height: auto; }
pre { overflow-x: auto; background: var(--side); padding: 8px 12px; border-radius: 6px; overflow-wrap: normal; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 88%; }
:not(pre) > code { background: var(--chip); padding: 1px 4px; border-radius: 4px; }
blockquote { margin-left: 0; padding: 4px 12px; border-left: 3px solid var(--fg); }
hr { border: 0; border-top: 1px solid var(--line); margin: 24px 0; }
@media (max-width: 800px) {
  .topbar { display: flex; align-items: center; gap: 10px; position: sticky; top: 0; z-index: 20; height: 48px; padding: 0 12px; background: var(--bg); border-bottom: 1px solid var(--line); }
  .menu-toggle { font: inherit; font-size: 15px; padding: 5px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--side); color: var(--fg); cursor: pointer; }
  .topbar-home { min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 600; color: var(--fg); text-decoration: none; }
  .layout { display: block; }
  .sidebar { display: none; position: fixed; top: 48px; left: 0; right: 0; bottom: 0; width: auto; height: auto; z-index: 15; border-right: 0; font-size: 15px; }
  body.menu-open .sidebar { display: block; }
  body.menu-open { overflow: hidden; }
  main { padding: 0 16px 48px; }
  .breadcrumb ol { padding: 8px 16px; }
  .cover { height: 140px; min-height: 0; }
  .cover-link { padding: 0 16px; }
  .page-head { padding-top: 24px; }
  .page-head h1 { font-size: 30px; }
  .page-icon { font-size: 48px; }
  .page-icon img { width: 56px; height: 56px; }
  .cover + main .page-icon { margin-top: -30px; }
  .properties { grid-template-columns: minmax(90px, 38%) minmax(0, 1fr); }
  main.database td.title { min-width: 11em; }
}
@media print {
  :root { color-scheme: light; --fg: #000; --muted: #444; --bg: #fff; --line: #bbb; --link: #000; --head: #f3f3f3; }
  .sidebar, .topbar, .search, .results { display: none !important; }
  .layout { display: block; }
  main, main.database, main.home { max-width: none; padding: 0; }
  .breadcrumb ol { padding: 0 0 8px; }
  .cover { height: 120px; }
  .cover-link { padding: 0; }
  .table-wrap { overflow: visible; border: 0; }
  .cell { max-height: none; overflow: visible; }
  tr, img, pre, blockquote, .cards li { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  a { color: inherit; }
}
`;

/** site/_site/site.js: the page tree (a menu at phone width), the search box (index loaded on first use) and sortable database tables. */
export const SITE_JS = `(function () {
  'use strict';
  var body = document.body;
  var root = body.getAttribute('data-root') || '';
  var here = body.getAttribute('data-here') || '';
  var assets = root + '_site/';
  var hrefOf = function (h) { return root + h.split('/').map(encodeURIComponent).join('/'); };

  // The page tree, built from tree.js; branches are built when first opened.
  var tree = window.NOTION_KB_TREE || [];
  var trail = (function find(nodes, path) {
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      if (n.h === here) return path.concat([n]);
      if (n.c) { var found = find(n.c, path.concat([n])); if (found) return found; }
    }
    return null;
  })(tree, []) || [];
  function icon(n) {
    var span = document.createElement('span');
    span.className = 'icon';
    span.setAttribute('aria-hidden', 'true');
    if (n.s) {
      var img = document.createElement('img');
      img.src = root + n.s;
      img.alt = '';
      span.appendChild(img);
    } else {
      if (n.i) span.textContent = n.i;
      else { var glyph = document.createElement('span'); glyph.className = 'glyph ' + (n.d ? 'db' : 'doc'); span.appendChild(glyph); }
    }
    return span;
  }
  function build(nodes) {
    var ul = document.createElement('ul');
    nodes.forEach(function (n) {
      var li = document.createElement('li');
      var row = document.createElement('div');
      row.className = 'row';
      var a = document.createElement('a');
      a.href = hrefOf(n.h);
      a.appendChild(icon(n));
      var label = document.createElement('span');
      label.className = 'label';
      label.textContent = n.t;
      a.appendChild(label);
      if (n.h === here) a.setAttribute('aria-current', 'page');
      li.appendChild(row);
      if (n.c && n.c.length) {
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'twisty';
        button.setAttribute('aria-label', 'Pages under ' + n.t);
        var sub = null;
        var setOpen = function (open) {
          button.setAttribute('aria-expanded', String(open));
          button.textContent = open ? '\\u25BC' : '\\u25B6';
          if (open && !sub) { sub = build(n.c); li.appendChild(sub); }
          if (sub) sub.hidden = !open;
        };
        button.addEventListener('click', function () { setOpen(button.getAttribute('aria-expanded') !== 'true'); });
        row.appendChild(button);
        row.appendChild(a);
        // Open along the way to the current page; a single root (the wiki itself) always.
        setOpen((trail.indexOf(n) !== -1 && n.h !== here) || (nodes === tree && tree.length === 1));
      } else {
        var leaf = document.createElement('span');
        leaf.className = 'leaf';
        row.appendChild(leaf);
        row.appendChild(a);
      }
      ul.appendChild(li);
    });
    return ul;
  }
  var sidebar = document.getElementById('sidebar');
  var treeBox = document.getElementById('tree');
  if (treeBox) treeBox.appendChild(build(tree));
  // The current page's entry is in view: the sidebar scrolls to it, not the page.
  function showCurrent() {
    var current = treeBox && treeBox.querySelector('a[aria-current="page"]');
    if (!current || !sidebar) return;
    var r = current.getBoundingClientRect(), s = sidebar.getBoundingClientRect();
    if (r.top < s.top || r.bottom > s.bottom) sidebar.scrollTop += r.top - s.top - s.height / 3;
  }
  showCurrent();

  // At phone width the sidebar is a menu that the button opens and closes.
  var toggle = document.querySelector('.menu-toggle');
  function setMenu(open) {
    body.classList.toggle('menu-open', open);
    if (toggle) toggle.setAttribute('aria-expanded', String(open));
    if (open) showCurrent();
  }
  if (toggle) toggle.addEventListener('click', function () { setMenu(!body.classList.contains('menu-open')); });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && body.classList.contains('menu-open')) { setMenu(false); toggle.focus(); } });

  // Search: the prebuilt MiniSearch index, loaded with <script src> on first use.
  var input = document.getElementById('search');
  var results = document.getElementById('results');
  var index = null;
  var waiting = null;
  function addScript(file, then) {
    var s = document.createElement('script');
    s.src = assets + file;
    s.onload = then;
    document.head.appendChild(s);
  }
  function withIndex(then) {
    if (index) return then();
    if (waiting) { waiting.push(then); return; }
    waiting = [then];
    addScript('minisearch.js', function () {
      addScript('search-index.js', function () {
        var data = window.NOTION_KB_SEARCH;
        index = window.MiniSearch.loadJS(data.index, data.options);
        var callbacks = waiting;
        waiting = null;
        callbacks.forEach(function (f) { f(); });
      });
    });
  }
  function show() {
    var q = input.value.trim();
    results.textContent = '';
    if (!q) { results.hidden = true; return; }
    withIndex(function () {
      if (input.value.trim() !== q) return;
      var hits = index.search(q, { prefix: true, fuzzy: 0.2, boost: { t: 3 }, combineWith: 'AND' }).slice(0, 30);
      results.textContent = '';
      if (hits.length === 0) {
        var none = document.createElement('li');
        none.className = 'none';
        none.textContent = 'No page matches.';
        results.appendChild(none);
      }
      hits.forEach(function (hit) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = hrefOf(hit.id);
        a.textContent = hit.t;
        li.appendChild(a);
        results.appendChild(li);
      });
      results.hidden = false;
    });
  }
  if (input && results) {
    input.addEventListener('focus', function () { withIndex(function () {}); });
    input.addEventListener('input', show);
  }

  // Database tables: click a column heading to sort by it (again to reverse); cells sort by
  // their exact value (data-sort: numbers, ISO dates) where they have one.
  Array.prototype.forEach.call(document.querySelectorAll('main.database table'), function (table) {
    var heads = Array.prototype.slice.call(table.querySelectorAll('thead th'));
    var rowsBody = table.tBodies[0];
    if (!rowsBody) return;
    heads.forEach(function (th, col) {
      th.tabIndex = 0;
      th.title = 'Sort by ' + th.textContent;
      var sort = function () {
        var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
        heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir);
        var rows = Array.prototype.slice.call(rowsBody.rows);
        var cell = function (row) {
          var c = row.cells[col];
          if (!c) return '';
          var key = c.getAttribute('data-sort');
          return key !== null ? key : c.textContent.trim();
        };
        var numeric = rows.every(function (r) { var v = cell(r); return v === '' || isFinite(Number(v)); });
        rows.sort(function (a, b) {
          var x = cell(a), y = cell(b);
          if (x === y) return 0;
          if (x === '') return 1;
          if (y === '') return -1;
          var r = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, { numeric: true, sensitivity: 'base' });
          return dir === 'ascending' ? r : -r;
        });
        rows.forEach(function (r) { rowsBody.appendChild(r); });
      };
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
    });
  });

  // Printing a page prints every entry of its lists, not the first few.
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = Array.prototype.filter.call(document.querySelectorAll('details.more'), function (d) { return !d.open; });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () { opened.forEach(function (d) { d.open = false; }); opened = []; });
})();
`;
