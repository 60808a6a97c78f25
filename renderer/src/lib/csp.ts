/**
 * What the page's Content Security Policy allows of inline styles. xterm.js's DOM renderer writes
 * <style> elements (its layout and palette) and `style` attributes (24-bit colours); our policy
 * (`style-src 'self'`, electron/main/csp.ts) blocks both. The terminal applies what xterm writes
 * from script through the CSSOM instead (lib/style-mirror.ts); where that is not possible, 24-bit
 * colours become palette colours (features/terminal/truecolor.ts).
 */
export interface InlineStyles {
  elements: boolean;
  attributes: boolean;
}

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !map.has(name.toLowerCase())) map.set(name.toLowerCase(), sources);
  }
  return map;
}

/** 'unsafe-inline' counts only without a nonce or hash in the same list (CSP ignores it then). */
function allowsInline(sources: string[] | undefined): boolean {
  if (sources === undefined) return true;
  const lower = sources.map((s) => s.toLowerCase());
  return lower.includes("'unsafe-inline'") && !lower.some((s) => s.startsWith("'nonce-") || /^'sha(256|384|512)-/.test(s));
}

export function inlineStyles(policy: string | null): InlineStyles {
  if (policy === null || policy.trim() === '') return { elements: true, attributes: true };
  const d = directives(policy);
  const fallback = d.get('style-src') ?? d.get('default-src');
  return { elements: allowsInline(d.get('style-src-elem') ?? fallback), attributes: allowsInline(d.get('style-src-attr') ?? fallback) };
}

/** The policy the page carries in its <meta> (the same as main's header: the build checks it). */
export function pagePolicy(doc: Document = document): string | null {
  return doc.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.getAttribute('content') ?? null;
}
