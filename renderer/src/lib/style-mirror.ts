/**
 * Mirrors the <style> elements a library writes under `root` into constructable stylesheets
 * (`document.adoptedStyleSheets`), which a `style-src 'self'` policy does not block. Used for
 * xterm.js, whose DOM renderer keeps its row sizes and colour classes in such elements and
 * rewrites them on resize and theme changes.
 *
 * Each element is taken out of the document once copied (still watched, detached): a connected
 * one is refused by the policy again, with a console report, on every rewrite. Returns the
 * teardown (removes the copies).
 */
export function mirrorStyleElements(root: HTMLElement, doc: Document = document): () => void {
  if (typeof CSSStyleSheet !== 'function' || !('adoptedStyleSheets' in doc) || typeof MutationObserver !== 'function') return () => {};
  const sheets = new Map<HTMLStyleElement, CSSStyleSheet>();

  const sync = (element: HTMLStyleElement) => {
    let sheet = sheets.get(element);
    if (sheet === undefined) {
      sheet = new CSSStyleSheet();
      sheets.set(element, sheet);
      doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
      // Its later rewrites are seen here, wherever it is.
      observer.observe(element, { childList: true, subtree: true, characterData: true });
      element.remove();
    }
    try {
      sheet.replaceSync(element.textContent ?? '');
    } catch (error) {
      console.warn('could not mirror a terminal stylesheet', error);
    }
  };
  const scan = (node: Node) => {
    if (node instanceof HTMLStyleElement) sync(node);
    else if (node instanceof Element) node.querySelectorAll('style').forEach(sync);
  };

  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const target = record.target.nodeType === Node.TEXT_NODE ? record.target.parentNode : record.target;
      if (target instanceof HTMLStyleElement) sync(target);
      record.addedNodes.forEach(scan);
    }
  });
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  scan(root);

  return () => {
    observer.disconnect();
    const owned = new Set(sheets.values());
    sheets.clear();
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((sheet) => !owned.has(sheet));
  };
}
