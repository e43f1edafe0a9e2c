// custom-elements.json: the element's public API (attributes, properties, events, slots, parts,
// CSS properties) read from the JSDoc in src/element. `npm test` checks the committed copy is current.
export default {
  globs: ['src/element/**/*.ts'],
  exclude: ['src/element/i18n/*.ts', 'src/element/**/*.styles.ts', 'src/element/styles/*.ts'],
  outdir: '.',
  litelement: true,
  // package.json names custom-elements.json itself; the check's temporary copy must not land there.
  packagejson: false,
};
