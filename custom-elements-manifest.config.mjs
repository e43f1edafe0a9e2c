// custom-elements.json: the element's public API (attributes, properties, events, slots, parts,
// CSS properties) read from the JSDoc in src/element. `npm test` checks the committed copy is current.
export default {
  globs: ['src/element/**/*.ts'],
  exclude: ['src/element/i18n/*.ts', 'src/element/**/*.styles.ts', 'src/element/styles/*.ts'],
  outdir: '.',
  litelement: true,
  // package.json names custom-elements.json itself; the check's temporary copy must not land there.
  packagejson: false,
  plugins: [
    {
      // Lit's `state: true` properties are internal and have no attribute; the analyzer lists one for each.
      name: 'no-attributes-for-internal-state',
      packageLinkPhase({ customElementsManifest }) {
        for (const module of customElementsManifest.modules) {
          for (const declaration of module.declarations ?? []) {
            if (!declaration.attributes) continue;
            const hidden = new Set(
              (declaration.members ?? [])
                .filter((m) => m.privacy && m.privacy !== 'public')
                .map((m) => m.name),
            );
            declaration.attributes = declaration.attributes.filter((a) => !hidden.has(a.fieldName));
          }
        }
      },
    },
  ],
};
