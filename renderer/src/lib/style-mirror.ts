/**
 * <style> elements a library creates, applied as constructable stylesheets
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

/** How many mounted users want the redirect, per document. */
const users = new WeakMap<Document, { count: number; restore: () => void }>();

function defineElement(doc: Document): void {
  const registry = doc.defaultView?.customElements;
  if (registry === undefined || registry.get(TAG) !== undefined) return;

  class AdoptedStyle extends HTMLElement {
    readonly #sheet = new CSSStyleSheet();
    #adopted = false;

    /** What a <style> offers that xterm (and VS Code's base it includes) uses. */
    get sheet(): CSSStyleSheet {
      return this.#sheet;
    }
    type = 'text/css';
    media = '';

    override get textContent(): string {
      return super.textContent ?? '';
    }
    override set textContent(value: string | null) {
      super.textContent = value;
      this.#apply(value ?? '');
    }
    override get innerText(): string {
      return this.textContent;
    }
    override set innerText(value: string) {
      this.textContent = value;
    }

    connectedCallback(): void {
      const owner = this.ownerDocument;
      if (!this.#adopted) owner.adoptedStyleSheets = [...owner.adoptedStyleSheets, this.#sheet];
      this.#adopted = true;
    }

    disconnectedCallback(): void {
      const owner = this.ownerDocument;
      owner.adoptedStyleSheets = owner.adoptedStyleSheets.filter((sheet) => sheet !== this.#sheet);
      this.#adopted = false;
    }

    #apply(text: string): void {
      try {
        this.#sheet.replaceSync(text);
      } catch (error) {
        console.warn('could not apply a terminal stylesheet', error);
      }
    }
  }
  registry.define(TAG, AdoptedStyle);
}

/**
 * Until the returned teardown is called, `doc.createElement('style')` makes an adopted-style
 * element instead (see above). Counted: the original comes back when the last user tears down.
 */
export function adoptCreatedStyleElements(doc: Document = document): () => void {
  if (typeof CSSStyleSheet !== 'function' || !('adoptedStyleSheets' in doc) || doc.defaultView?.customElements === undefined) return () => {};
  defineElement(doc);
  const current = users.get(doc);
  if (current !== undefined) current.count++;
  else {
    const own = Object.prototype.hasOwnProperty.call(doc, 'createElement');
    const original = doc.createElement;
    const create = original as (this: Document, tagName: string, options?: ElementCreationOptions) => HTMLElement;
    const redirected = function (this: Document, tagName: string, options?: ElementCreationOptions): HTMLElement {
      const tag = String(tagName).toLowerCase() === 'style' ? TAG : tagName;
      return create.call(this, tag, options);
    };
    doc.createElement = redirected as Document['createElement'];
    users.set(doc, {
      count: 1,
      restore: () => {
        if (own) doc.createElement = original;
        else delete (doc as Partial<Pick<Document, 'createElement'>>).createElement;
      },
    });
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const entry = users.get(doc);
    if (entry === undefined || --entry.count > 0) return;
    users.delete(doc);
    entry.restore();
  };
}
