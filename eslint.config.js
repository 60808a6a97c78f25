import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

/**
 * Layer rules from ARCHITECTURE.md ("folder decides what a file may import"), enforced with
 * no-restricted-imports. ESLint does not merge one rule's options across config objects (the last
 * match wins), so each folder gets exactly one complete set, built from the pieces below.
 * The matchers look at the import string, not the resolved file: a segment named `renderer` or
 * `electron` in a relative path is taken to mean that folder.
 */

const nodeBuiltinNames = builtinModules.filter((name) => !name.startsWith('_'));

const noNodeBuiltins = {
  paths: nodeBuiltinNames.map((name) => ({ name, message: 'This layer runs without Node: no Node built-ins.' })),
  patterns: [{ group: ['node:*'], message: 'This layer runs without Node: no Node built-ins.' }],
};
const noElectron = {
  paths: [],
  patterns: [
    { regex: '^electron(/|$)', message: 'Only electron/main and electron/preload may import Electron.' },
  ],
};
const noRenderer = {
  paths: [],
  patterns: [{ regex: '(^|/)renderer(/|$)', message: 'Nothing outside renderer/ may import the renderer.' }],
};
const noElectronFolder = {
  paths: [],
  patterns: [
    { regex: '(^|/)electron(/|$)', message: 'The renderer reaches main only through window.api, never electron/.' },
  ],
};
const noMainOrPreload = {
  paths: [],
  patterns: [
    {
      regex: '^(\\.\\./)+(main|preload)(/|$)|^\\.\\.?/(.*/)?electron/(main|preload)(/|$)',
      message: 'The core and the CLI must not depend on the Electron shell (electron/main, electron/preload).',
    },
  ],
};
/**
 * The browser host (electron/host) is a front end like main, but without Electron: the core and
 * shared/ only. One exception, by name: electron/main/csp.ts, the single written-once CSP, which is
 * Electron-free (the vite config imports it too) and must stay identical for the window and the page.
 */
const noMainOrPreloadButCsp = {
  paths: [],
  patterns: [
    {
      regex: '^(\\.\\./)+(main(?!/csp$)|preload)(/|$)|^\\.\\.?/(.*/)?electron/(main(?!/csp$)|preload)(/|$)',
      message: 'The browser host must not depend on the Electron shell (electron/main, electron/preload); only main/csp is shared.',
    },
  ],
};
const noCli = {
  paths: [],
  patterns: [{ regex: '^(\\.\\./)+cli(/|$)|^\\.\\.?/(.*/)?electron/cli(/|$)', message: 'The core must not depend on the CLI.' }],
};
/**
 * One git layer (issue 13): only electron/core/git/ may import the git runner (git/git.ts); every
 * other file calls the named verbs there (worktree.ts, refs.ts, diff.ts …). Its own tests
 * (tests/core/git/) are the one other exception.
 */
const noGitRunner = {
  paths: [],
  patterns: [
    {
      regex: '(^|/)git/git(\\.[cm]?[jt]s)?$',
      message: 'Only electron/core/git/ runs git: call (or add) a named function in electron/core/git/ instead of git().',
    },
  ],
};
/**
 * zod/mini everywhere (its functions, tree-shaken, in the CLI's and hooks' bundles): the classic
 * 'zod' imported by one module of the core broke the CLI bundle as it loaded (`council mcp`: "t is
 * not a constructor", every agent's council MCP server down).
 */
const zodMiniOnly = {
  paths: [{ name: 'zod', message: "Import zod/mini (`import * as z from 'zod/mini'`), as every module here does: the classic 'zod' beside it broke the CLI bundle." }],
  patterns: [],
};
const sharedMessage =
  'shared/ may import only zod and other shared/ files: no Node built-ins, Electron, React, other packages or folders.';
const onlyZodInShared = {
  paths: [],
  patterns: [
    { regex: '^(?!zod(/|$))[^./]', message: sharedMessage },
    { regex: '^\\.\\.?/(.*/)?(electron|renderer|tests|bench|scripts|bin)(/|$)', message: sharedMessage },
  ],
};
const noIpcRendererImport = {
  paths: [
    { name: 'electron', importNames: ['ipcRenderer'], message: 'Only electron/preload may use ipcRenderer.' },
    { name: 'electron/renderer', message: 'Only electron/preload may use renderer-side Electron APIs.' },
  ],
  patterns: [],
};

/**
 * Renderer features (renderer/src/features/<name>/) share state through app-level stores
 * (renderer/src/app/stores) or events, and logic through renderer/src/models and components, never
 * through each other's stores. A module holding a store is named `*-store`, and features are flat
 * folders (tests/renderer/feature-boundaries.test.ts checks both), so from a feature's file
 * `../<other>/…-store` (or a path through `features/<other>/`) is exactly another feature's store.
 */
const featureStoreMessage =
  "A feature may not import another feature's store: move the shared state to renderer/src/app/stores (or send an event), and shared pure logic to renderer/src/models.";
const noOtherFeatureStore = {
  paths: [],
  patterns: [
    { regex: '^\\.\\./[^./][^/]*/(.*/)?[^/]*-store(\\.tsx?)?$', message: featureStoreMessage },
    { regex: '^(\\.\\./)+features/[^/]+/(.*/)?[^/]*-store(\\.tsx?)?$', message: featureStoreMessage },
  ],
};

/** @param {...{ paths: object[], patterns: object[] }} parts */
function restrictImports(...parts) {
  return [
    'error',
    { paths: parts.flatMap((part) => part.paths), patterns: parts.flatMap((part) => part.patterns) },
  ];
}

const noIpcRendererAccess = [
  'error',
  {
    selector: "MemberExpression[property.name='ipcRenderer']",
    message: 'Only electron/preload may use ipcRenderer.',
  },
];

const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'location'].map((name) => ({
  name,
  message: 'This code runs in Node, not in a page.',
}));
const nodeGlobals = ['process', 'require', 'module', 'Buffer', 'global', '__dirname', '__filename', 'setImmediate'].map(
  (name) => ({ name, message: 'The renderer runs without Node.' }),
);

export default defineConfig(
  globalIgnores(['out/', 'dist/', 'release/', 'node_modules/', 'coverage/', 'test-results/', 'artifacts/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': restrictImports(onlyZodInShared, zodMiniOnly),
      'no-restricted-globals': ['error', ...domGlobals, ...nodeGlobals],
      'no-restricted-syntax': noIpcRendererAccess,
    },
  },
  {
    files: ['electron/core/**'],
    rules: {
      'no-restricted-imports': restrictImports(noElectron, noRenderer, noMainOrPreload, noCli, noGitRunner, zodMiniOnly),
      'no-restricted-globals': ['error', ...domGlobals],
      'no-restricted-syntax': noIpcRendererAccess,
    },
  },
  {
    files: ['electron/core/git/**'],
    rules: {
      'no-restricted-imports': restrictImports(noElectron, noRenderer, noMainOrPreload, noCli, zodMiniOnly),
    },
  },
  {
    files: ['electron/cli/**'],
    rules: {
      'no-restricted-imports': restrictImports(noElectron, noRenderer, noMainOrPreload, noGitRunner, zodMiniOnly),
      'no-restricted-globals': ['error', ...domGlobals],
      'no-restricted-syntax': noIpcRendererAccess,
    },
  },
  {
    files: ['electron/host/**'],
    rules: {
      'no-restricted-imports': restrictImports(noElectron, noRenderer, noMainOrPreloadButCsp, noCli, noGitRunner, zodMiniOnly),
      'no-restricted-globals': ['error', ...domGlobals],
      'no-restricted-syntax': noIpcRendererAccess,
    },
  },
  {
    files: ['electron/main/**'],
    rules: {
      'no-restricted-imports': restrictImports(noRenderer, noIpcRendererImport, noGitRunner, zodMiniOnly),
      'no-restricted-globals': ['error', ...domGlobals],
      'no-restricted-syntax': noIpcRendererAccess,
    },
  },
  {
    files: ['electron/preload/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrictImports(noRenderer, noGitRunner, zodMiniOnly),
    },
  },
  {
    files: ['tests/**', 'bench/**', 'scripts/**'],
    ignores: ['tests/core/git/**'],
    rules: {
      'no-restricted-imports': restrictImports(noGitRunner),
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrictImports(noElectronFolder, noNodeBuiltins, zodMiniOnly),
      'no-restricted-globals': ['error', ...nodeGlobals],
      'no-restricted-syntax': noIpcRendererAccess,
    },
  },
  {
    files: ['renderer/src/features/**'],
    rules: {
      'no-restricted-imports': restrictImports(noElectronFolder, noNodeBuiltins, noOtherFeatureStore),
    },
  },
);
