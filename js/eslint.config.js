// ESLint (flat config): the recommended rules, with the globals of where each file runs.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/"] },
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      // `catch {}` with a comment saying why is how this code ignores an error on purpose
      "no-empty": ["error", { allowEmptyCatch: true }],
    },
  },
  {
    files: ["src/**/*.js"],
    // __AW_ASSETS_HASH__ is replaced by build.mjs (esbuild `define`)
    languageOptions: { globals: { ...globals.browser, __AW_ASSETS_HASH__: "readonly" } },
  },
  { files: ["src/layout_worker.js"], languageOptions: { globals: globals.worker } },
  { files: ["test/**/*.js", "build.mjs", "eslint.config.js"], languageOptions: { globals: globals.node } },
];
