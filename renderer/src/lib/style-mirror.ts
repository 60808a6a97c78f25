/**
 * Inline styles a library writes from script, applied through the CSSOM. <style> elements it
 * creates become constructable stylesheets
 * (`document.adoptedStyleSheets`), which a `style-src 'self'` policy does not govern. Used for
 * xterm.js, whose DOM renderer and viewport keep their row sizes, colour classes and scrollbar
 * rules in <style> elements they create with `document.createElement('style')`, append to the
 * terminal and rewrite (`textContent`) on resize and theme changes.
 *
 * Why not copy them after the fact: the policy checks a <style> element the moment it is
 * connected and each time its text changes while connected, so an element copied and taken out
 * by a MutationObserver (which runs later) has already been refused, with a console report each
 * time (24 when the terminal tab opened, issue 12 item 9). Here the element is never a <style>:
 * while a terminal is mounted, `document.createElement('style')` makes a hidden
 * `<council-adopted-style>` whose text goes straight into its own adopted stylesheet, added when it
 * is connected and dropped when it is removed. Markup injected into the page (the parser never
 * calls `createElement`) is still refused by the policy; script could always use adopted sheets.
 */

const TAG = 'council-adopted-style';

function defineElement(doc: Document): void {
  const registry = doc.defaultView?.customElements;
  if (registry === undefined || registry.get(TAG) !== undefined) return;

  class AdoptedStyle extends HTMLElement {
    // Plain private members, not #fields: the security scan's parser (Electronegativity) cannot read those.
    private readonly councilSheet = new CSSStyleSheet();
    private councilAdopted = false;

    /** What a <style> offers that xterm (and VS Code's base it includes) uses. */
    get sheet(): CSSStyleSheet {
      return this.councilSheet;
    }
    type = 'text/css';
    media = '';

    override get textContent(): string {
      return super.textContent ?? '';
    }
    override set textContent(value: string | null) {
      super.textContent = value;
      this.councilApply(value ?? '');
    }
    override get innerText(): string {
      return this.textContent;
    }
    override set innerText(value: string) {
      this.textContent = value;
    }

    connectedCallback(): void {
      const owner = this.ownerDocument;
      if (!this.councilAdopted) owner.adoptedStyleSheets = [...owner.adoptedStyleSheets, this.councilSheet];
      this.councilAdopted = true;
    }

    disconnectedCallback(): void {
      const owner = this.ownerDocument;
      owner.adoptedStyleSheets = owner.adoptedStyleSheets.filter((sheet) => sheet !== this.councilSheet);
      this.councilAdopted = false;
    }

    private councilApply(text: string): void {
      try {
        this.councilSheet.replaceSync(text);
      } catch (error) {
        console.warn('could not apply a terminal stylesheet', error);
      }
    }
  }
  registry.define(TAG, AdoptedStyle);
}

/** Installed redirects, counted per document: the originals come back when the last user tears down. */
interface Installed {
  count: number;
  restore: () => void;
}
const installed = new WeakMap<Document, Installed>();

/**
 * Null where the page cannot (no adopted stylesheets or custom elements). Until the returned
 * teardown is called, the inline styles a library writes from script reach the
 * page through the CSSOM, which `style-src 'self'` does not govern, instead of being refused (with a
 * console report each time):
 * - `doc.createElement('style')` makes an adopted-style element (see above);
 * - `element.setAttribute('style', text)` sets `element.style.cssText` (xterm's DOM renderer writes
 *   24-bit colours and its minimum-contrast colours as style attributes).
 * Markup parsed into the page (innerHTML, the parser) takes neither path: its inline styles are
 * still refused by the policy. Script could always write styles through the CSSOM.
 */
export function applyScriptedStylesViaCssom(doc: Document = document): (() => void) | null {
  const view = doc.defaultView;
  if (view === null || typeof view.CSSStyleSheet !== 'function' || !('adoptedStyleSheets' in doc) || view.customElements === undefined) return null;
  defineElement(doc);
  const current = installed.get(doc);
  if (current !== undefined) current.count++;
  else installed.set(doc, { count: 1, restore: install(doc, view) });
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const entry = installed.get(doc);
    if (entry === undefined || --entry.count > 0) return;
    installed.delete(doc);
    entry.restore();
  };
}

function install(doc: Document, view: Window & typeof globalThis): () => void {
  const ownCreate = Object.prototype.hasOwnProperty.call(doc, 'createElement');
  const originalCreate = doc.createElement;
  const create = originalCreate as (this: Document, tagName: string, options?: ElementCreationOptions) => HTMLElement;
  doc.createElement = function (this: Document, tagName: string, options?: ElementCreationOptions): HTMLElement {
    return create.call(this, String(tagName).toLowerCase() === 'style' ? TAG : tagName, options);
  } as Document['createElement'];

  const elementProto = view.Element.prototype;
  const originalSetAttribute = elementProto.setAttribute;
  const HTMLElementClass = view.HTMLElement;
  elementProto.setAttribute = function (this: Element, name: string, value: string): void {
    if (this instanceof HTMLElementClass && String(name).toLowerCase() === 'style') {
      this.style.cssText = String(value);
      return;
    }
    originalSetAttribute.call(this, name, value);
  };

  return () => {
    if (ownCreate) doc.createElement = originalCreate;
    else delete (doc as Partial<Pick<Document, 'createElement'>>).createElement;
    elementProto.setAttribute = originalSetAttribute;
  };
}
