import { refractor } from 'refractor';
import jsx from 'refractor/jsx';
import tsx from 'refractor/tsx';
import toml from 'refractor/toml';

/**
 * The syntax highlighter, loaded on first use (a chunk of its own: the app's first paint does not
 * wait for it). refractor is Prism's grammars producing a tree, not HTML: no eval, no inline
 * styles, so it runs under the page's CSP. Its common languages, plus JSX/TSX and TOML.
 */
refractor.register(jsx);
refractor.register(tsx);
refractor.register(toml);

/** react-diff-view's tokenize expects refractor 3's highlight (an array of nodes); 5 returns a root. */
export const highlighter = {
  highlight: (code: string, language: string) => refractor.highlight(code, language).children,
  registered: (language: string) => refractor.registered(language),
};
