/**
 * The renderer's CSP plugin in electron.vite.config.ts: the build must fail when index.html's
 * policy drifts from electron/main/csp.ts, and the dev server must get a nonce instead of
 * 'unsafe-inline'.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Plugin } from 'vite';
import config from '../../electron.vite.config';
import { contentSecurityPolicy, DEV_CSP_NONCE_ENV } from '../../electron/main/csp';

type Hook = (...args: unknown[]) => unknown;
interface HtmlResult {
  html: string;
  tags: { tag: string; attrs: Record<string, string>; injectTo: string }[];
}

const indexHtml = readFile(join(import.meta.dirname, '..', '..', 'renderer', 'index.html'), 'utf8');

function cspPlugin() {
  const plugins = (config.renderer?.plugins ?? []).flat(3) as Plugin[];
  const plugin = plugins.find((candidate) => candidate?.name === 'council:csp-meta');
  if (plugin === undefined) throw new Error('the renderer config has no council:csp-meta plugin');
  const configHook = plugin.config as Hook;
  const transform = plugin.transformIndexHtml as { handler: Hook };
  return {
    configure: (command: 'build' | 'serve') => configHook.call({}, {}, { command, mode: command === 'serve' ? 'development' : 'production' }),
    transform: (html: string, server?: unknown) => transform.handler.call({}, html, { path: '/index.html', filename: 'index.html', server }),
  };
}

const savedNonce = process.env[DEV_CSP_NONCE_ENV];
afterEach(() => {
  if (savedNonce === undefined) delete process.env[DEV_CSP_NONCE_ENV];
  else process.env[DEV_CSP_NONCE_ENV] = savedNonce;
});

describe('CSP <meta> plugin', () => {
  it('leaves a matching index.html untouched in a build', async () => {
    const plugin = cspPlugin();
    expect(plugin.configure('build')).toBeUndefined();
    const html = await indexHtml;
    expect(plugin.transform(html)).toBe(html);
  });

  it('fails the build when index.html and csp.ts disagree, or the tag is gone', async () => {
    const plugin = cspPlugin();
    plugin.configure('build');
    const html = await indexHtml;
    const loosened = html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'");
    expect(loosened).not.toBe(html);
    expect(() => plugin.transform(loosened)).toThrow(/differs from electron\/main\/csp\.ts/);
    const stripped = html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/, '');
    expect(() => plugin.transform(stripped)).toThrow(/lost its Content-Security-Policy/);
  });

  it('in dev, moves a nonce-carrying policy to the top of <head> and shares the nonce with main', async () => {
    const plugin = cspPlugin();
    const configured = plugin.configure('serve') as { html: { cspNonce: string } };
    const nonce = configured.html.cspNonce;
    expect(nonce).toMatch(/^[\w-]{16,}$/);
    expect(process.env[DEV_CSP_NONCE_ENV]).toBe(nonce);

    const server = { resolvedUrls: { local: ['http://localhost:5173/'], network: [] } };
    const result = plugin.transform(await indexHtml, server) as HtmlResult;
    expect(result.html).not.toContain('Content-Security-Policy');
    expect(result.tags).toEqual([
      {
        tag: 'meta',
        injectTo: 'head-prepend',
        attrs: {
          'http-equiv': 'Content-Security-Policy',
          content: contentSecurityPolicy({ delivery: 'meta', nonce, devServerOrigin: 'http://localhost:5173' }),
        },
      },
    ]);
    expect(result.tags[0]?.attrs.content).toContain(`'nonce-${nonce}'`);
    expect(result.tags[0]?.attrs.content).not.toContain('unsafe-inline');
  });

  it('uses a new nonce for every dev server start', () => {
    const plugin = cspPlugin();
    const first = (plugin.configure('serve') as { html: { cspNonce: string } }).html.cspNonce;
    const second = (plugin.configure('serve') as { html: { cspNonce: string } }).html.cspNonce;
    expect(first).not.toBe(second);
  });
});
