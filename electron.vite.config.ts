import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { contentSecurityPolicy, DEV_CSP_NONCE_ENV } from './electron/main/csp';

const root = fileURLToPath(new URL('.', import.meta.url));
const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('out/main'),
      rolldownOptions: {
        input: { index: fromRoot('electron/main/index.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: fromRoot('out/preload'),
      // A sandboxed preload can only require('electron'): bundle zod and shared/ into the one file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('electron/preload/index.ts') },
        // CommonJS, named .cjs so no loader mistakes it for ESM under "type": "module".
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: fromRoot('renderer'),
    plugins: [react(), cspMetaPlugin()],
    build: {
      outDir: fromRoot('out/renderer'),
      // electron-vite leaves the renderer unminified by default; minified it is ~60% smaller,
      // which is load time for the browser host and for every window.
      // NO_MINIFY=1: readable names in profiles (bench/scroll-probe.ts PROFILE=1).
      minify: !process.env.NO_MINIFY,
      rolldownOptions: {
        input: { index: fromRoot('renderer/index.html') },
      },
    },
    server: { fs: { allow: [root] } },
    // The diff's tokenizer worker (renderer/src/features/diff/tokenize-worker.ts) has no DOM: the
    // entity decoder refractor uses takes its plain build there (its "browser" one needs `document`).
    worker: {
      plugins: () => [
        {
          name: 'worker-without-dom',
          enforce: 'pre' as const,
          resolveId: (id: string) => (id === 'decode-named-character-reference' ? fromRoot('node_modules/decode-named-character-reference/index.js') : null),
        },
      ],
    },
  },
});

/**
 * Keeps renderer/index.html's CSP <meta> equal to electron/main/csp.ts: the build fails when they
 * drift. In development the dev server injects inline scripts (React Refresh's preamble) and
 * <style> tags, so the page gets the same policy plus a per-run nonce (Vite's `html.cspNonce` puts it
 * on those tags) and the dev server's websocket; the nonce reaches main's header through the
 * environment electron-vite starts Electron with.
 */
function cspMetaPlugin(): Plugin {
  const metaPattern = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/;
  let nonce: string | undefined;
  return {
    name: 'council:csp-meta',
    config(_config, { command }) {
      nonce = undefined;
      if (command !== 'serve') return undefined;
      nonce = randomBytes(18).toString('base64url');
      process.env[DEV_CSP_NONCE_ENV] = nonce;
      return { html: { cspNonce: nonce } };
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const match = metaPattern.exec(html);
        const expected = contentSecurityPolicy({ delivery: 'meta' });
        if (!match) throw new Error('renderer/index.html has lost its Content-Security-Policy <meta> tag');
        if (match[1] !== expected) {
          throw new Error(
            `renderer/index.html's CSP differs from electron/main/csp.ts.\n  html: ${match[1]}\n  csp.ts: ${expected}`,
          );
        }
        if (nonce === undefined || context.server === undefined) return html;
        const origin = devServerOrigin(context.server.resolvedUrls?.local[0]);
        const policy = contentSecurityPolicy({ delivery: 'meta', nonce, ...(origin ? { devServerOrigin: origin } : {}) });
        // Re-inserted first in <head>: a <meta> policy only governs what comes after it, and the
        // dev server prepends its own scripts.
        return {
          html: html.replace(metaPattern, ''),
          tags: [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }],
        };
      },
    },
  };
}

function devServerOrigin(url: string | undefined): string | undefined {
  return url === undefined ? undefined : new URL(url).origin;
}
