import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { layeringPlugin } from './eslint/layering.mjs';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'apps/admin-ui/vite.config.ts',
      'coverage/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The operators' web interface (React, DOM) is typed by its own tsconfig, not the root one.
    files: ['apps/admin-ui/src/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: ['./apps/admin-ui/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
        ecmaFeatures: { jsx: true },
      },
    },
  },
  {
    // Libraries import each other only downward and never an app; apps never import each other
    // (layers: eslint/layering.mjs, docs/architecture.md). Test files under test/ import anything.
    files: ['libs/**/*.{ts,tsx}', 'apps/**/*.{ts,tsx}'],
    plugins: { layering: layeringPlugin },
    rules: { 'layering/imports': ['error', { root: import.meta.dirname }] },
  },
  {
    files: ['libs/national-model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@txng/*', '@nestjs/*', 'typeorm', 'pg', 'ioredis', 'bullmq', 'axios', 'node:fs', 'fs', 'node:http*'] },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
