// ESLint (flat config, ESLint 9): Remotion's own rules for the composition (src/), plus Node
// globals for the worker. @remotion/eslint-config-flat is the ESLint >= 9 twin of
// @remotion/eslint-config (which supports only ESLint <= 8 and its retired .eslintrc format).
import {config} from '@remotion/eslint-config-flat';
import globals from 'globals';

export default [
  {ignores: ['node_modules/**', 'out/**']},
  ...config,
  {
    files: ['worker/**/*.mjs'],
    languageOptions: {globals: globals.node},
  },
];
