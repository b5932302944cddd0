// The offline site's own CSS and JavaScript. Plain files loaded with <link>/<script src> from
// the site folder (file:// pages may load scripts, not fetch JSON); no font, no CDN, no request
// beyond the files beside the page.

/** site/_site/site.css */
export const SITE_CSS = `:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --side: #f6f8fa; --line: #d1d9e0; --link: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --side: #151b23; --line: #3d444d; --link: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
.layout { display: flex; min-height: 100vh; }
.sidebar { flex: 0 0 300px; max-width: 300px; background: var(--side); border-right: 1px solid var(--line); padding: 12px; overflow: auto; max-height: 100vh; position: sticky; top: 0; font-size: 14px; }
main { flex: 1 1 auto; min-width: 0; padding: 24px 40px; max-width: 1100px; }
.search input { width: 100%; padding: 6px 8px; font: inherit; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
.results { margin: 8px 0; padding-left: 20px; }
.results li { margin: 2px 0; }
.results .none { list-style: none; margin-left: -20px; color: var(--muted); }
.tree ul { list-style: none; margin: 0; padding-left: 14px; }
.tree > ul { padding-left: 0; }
.tree li { margin: 1px 0; }
.tree .twisty, .tree .leaf { display: inline-block; width: 18px; border: 0; background: none; color: var(--muted); cursor: pointer; padding: 0; font: inherit; }
.tree a[aria-current="page"] { font-weight: 600; color: var(--fg); }
.table-wrap { overflow-x: auto; margin: 1em 0; }
table { border-collapse: collapse; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; text-align: left; }
main.database th { cursor: pointer; user-select: none; white-space: nowrap; }
main.database th[aria-sort="ascending"]::after { content: " \\25B2"; }
main.database th[aria-sort="descending"]::after { content: " \\25BC"; }
img { max-width: 100%; height: auto; }
pre { overflow-x: auto; background: var(--side); padding: 8px 12px; border-radius: 6px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 90%; }
blockquote { margin-left: 0; padding-left: 12px; border-left: 3px solid var(--line); color: var(--muted); }
@media (max-width: 800px) { .layout { display: block; } .sidebar { max-width: none; position: static; max-height: none; border-right: 0; border-bottom: 1px solid var(--line); } main { padding: 16px; } }
`;

/** site/_site/site.js: the page tree, the search box (index loaded on first use) and sortable database tables. */
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
  function build(nodes) {
    var ul = document.createElement('ul');
    nodes.forEach(function (n) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = hrefOf(n.h);
      a.textContent = n.t;
      if (n.h === here) a.setAttribute('aria-current', 'page');
      if (n.c && n.c.length) {
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'twisty';
        button.setAttribute('aria-label', 'Pages under ' + n.t);
        var sub = null;
        var setOpen = function (open) {
          button.setAttribute('aria-expanded', String(open));
          button.textContent = open ? '\\u25BE' : '\\u25B8';
          if (open && !sub) { sub = build(n.c); li.appendChild(sub); }
          if (sub) sub.hidden = !open;
        };
        button.addEventListener('click', function () { setOpen(button.getAttribute('aria-expanded') !== 'true'); });
        li.appendChild(button);
        li.appendChild(a);
        setOpen(trail.indexOf(n) !== -1 && n.h !== here);
      } else {
        var leaf = document.createElement('span');
        leaf.className = 'leaf';
        li.appendChild(leaf);
        li.appendChild(a);
      }
      ul.appendChild(li);
    });
    return ul;
  }
  var treeBox = document.getElementById('tree');
  if (treeBox) treeBox.appendChild(build(tree));

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

  // Database tables: click a column heading to sort by it (again to reverse).
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
        var cell = function (row) { var c = row.cells[col]; return c ? c.textContent.trim() : ''; };
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
})();
`;
