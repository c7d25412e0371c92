// Lint rules, including the dependency direction between layers (HOUSE_STYLE §2).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'worker_threads', 'child_process', 'stream', 'util', 'url', 'zlib', 'http', 'https', 'net', 'events', 'buffer'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'bench/data/**', 'test/summaryReporter.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'src/core is pure: no Node built-ins.' },
          { group: ['vscode'], message: 'src/core is pure: no vscode.' },
          { group: ['**/node/**', '**/server/**', '**/cli/**', '**/extension/**', 'tiktoken', 'tiktoken/*'], message: 'src/core depends on nothing outside core.' },
        ],
      }],
    },
  },
  {
    files: ['src/node/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', '**/cli/**', '**/extension/**', 'vscode'], message: 'src/node depends only on core and shared.' }] }],
    },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/cli/**', '**/extension/**', 'vscode'], message: 'src/server depends on core, shared and node only.' }] }],
    },
  },
  {
    files: ['src/lsp/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', '**/cli/**', '**/extension/**', 'vscode', 'vscode-languageclient', 'vscode-languageclient/*'], message: 'src/lsp depends on core, shared and node only.' }] }],
    },
  },
  {
    // The extension is a thin client: it reaches the engine only through the language server.
    files: ['src/extension/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/core/**', '**/node/**', '**/server/**', '**/cli/**', '**/lsp/**', 'vscode-languageserver', 'vscode-languageserver/*'], message: 'src/extension depends on shared only (and talks to the language server).' }] }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/node/**', '**/server/**', '**/cli/**', '**/lsp/**', '**/extension/**', 'vscode', ...nodeBuiltins], message: 'src/shared holds contracts only.' }] }],
    },
  },
  {
    // Webviews run in a browser: DOM yes; no vscode, no Node built-ins; contracts from src/shared only.
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: nodeBuiltins, message: 'src/webview runs in a browser: no Node built-ins.' },
        { group: ['vscode', 'vscode-languageclient', 'vscode-languageclient/*'], message: 'src/webview talks to the extension by messages only.' },
        { group: ['**/core/**', '**/node/**', '**/server/**', '**/cli/**', '**/lsp/**', '**/extension/**'], message: 'src/webview depends on src/shared only.' },
      ] }],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', Buffer: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.{ts,mjs}'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
