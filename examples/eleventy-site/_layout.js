// The HTML around every page. `home` is the relative link to the site's root from the page.
const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export { escape };

export function layout({ title, home, body }) {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(title)}</title><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<nav><a href="${home}index.html">Home</a></nav>
<main>
${body}
</main>
</body>
</html>
`;
}

/** `../` once per directory of a site path: the way back to the root. */
export const homeOf = (url) => '../'.repeat(url.split('/').length - 1);
