#!/usr/bin/env node
// Bundles dist/src/main.js (the compiled panel, decorator metadata included) into dist/hostwright-app.js,
// and dist/src/launcher.js into dist/hostwright.js, the entry that runs it through V8's code cache.
// Start-up was spent mostly resolving and reading ~2,000 small module files; one file loads in a
// fraction of that. Native addons, swagger-ui's assets and the drivers we do not use stay outside.
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

/** The panel's bundle; dist/hostwright.js (the launcher) compiles and runs it. */
const APP = 'dist/hostwright-app.js';

const external = [
  // native addons, loaded from node_modules
  'argon2',
  'better-sqlite3',
  // serves its files from its own folder
  'swagger-ui-dist',
];

/** Optional packages Nest, TypeORM and pino look for and do without (other drivers, Express): left as require() calls. */
const notInstalledStaysExternal = {
  name: 'not-installed-stays-external',
  setup(onBuild) {
    onBuild.onResolve({ filter: /^[^./]/ }, ({ path, importer, resolveDir }) => {
      if (path.startsWith('node:')) return undefined;
      try {
        createRequire(importer || join(resolveDir, 'x.js')).resolve(path);
        return undefined;
      } catch {
        return { path, external: true };
      }
    });
  },
};

/**
 * Code we never run, replaced by a module that says so if it is ever reached: TypeORM's other
 * drivers (only DriverFactory names them) and class-validator's phone-number metadata.
 */
const UNUSED =
  /node_modules\/(typeorm\/driver\/(postgres|aurora-postgres|aurora-mysql|cockroachdb|sqlserver|oracle|sap|spanner|cordova|react-native|nativescript|expo|capacitor|sqljs)\/|libphonenumber-js\/)/;
/** Loads fine (DriverFactory requires every driver up front); any export fails when used. */
const unusedModule = (name) => `
const fail = () => { throw new Error(${JSON.stringify(`not in the Hostwright bundle: ${name}`)}); };
module.exports = new Proxy({}, { get: (_, key) => (key === '__esModule' ? true : class { constructor() { fail(); } static [Symbol.hasInstance]() { return false; } }) });`;

const unusedCode = {
  name: 'unused-code',
  setup(onBuild) {
    onBuild.onLoad({ filter: UNUSED }, ({ path }) =>
      // typeorm's index exports this one class of the SQL Server driver
      path.endsWith('/sqlserver/MssqlParameter.js') ? undefined : { contents: unusedModule(path.replace(/.*node_modules\//, '')), loader: 'js' },
    );
  },
};

/**
 * Two Nest packages load packages through `createRequire(import.meta.url)`, which the bundle
 * leaves to run time: @nestjs/typeorm asks for `typeorm` (its whole node_modules copy then loaded
 * beside the bundled one, every driver included) and @nestjs/mapped-types for class-validator and
 * class-transformer (second copies, libphonenumber's metadata with them). Plain `require` there
 * is bundled and answers the bundle's own copy: −22 MB idle RSS.
 */
const CREATE_REQUIRE = /node_modules\/@nestjs\/(typeorm\/dist\/common\/typeorm-compat|mapped-types\/dist\/type-helpers\.utils)\.js$/;
const bundledRequires = {
  name: 'bundled-requires',
  setup(onBuild) {
    onBuild.onLoad({ filter: CREATE_REQUIRE }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const contents = source.replace("import { createRequire } from 'node:module';", '').replace('const require = createRequire(import.meta.url);', '');
      if (contents === source) throw new Error(`${path}: the createRequire lines this bundle replaces are gone; check the package upgrade`);
      return { contents, loader: 'js' };
    });
  },
};

await build({
  entryPoints: ['dist/src/main.js'],
  outfile: APP,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // No keepNames: it wraps every function expression in a name-setting call, closures made per
  // request included, which cost 15–25 % of read throughput. Names survive anyway: every module
  // is CommonJS (tsc's output and the packages'), so each keeps its own scope and nothing is renamed;
  // a test compares the migration names the bundle wrote with the classes'.
  minifyWhitespace: true,
  minifySyntax: true,
  external,
  // Every import() as require(): the launcher compiles this bundle with V8's code cache, and on
  // Node 20 a script compiled from a cache loses its dynamic-import callback (the import throws
  // ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING). require() loads an ES module too (Node ≥ 20.19).
  supported: { 'dynamic-import': false },
  plugins: [notInstalledStaysExternal, unusedCode, bundledRequires],
  // some packages ask for import.meta.url (createRequire); in a CommonJS bundle that is this file
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  // the swagger plugin's generated metadata repeats keys it merges; harmless
  logOverride: { 'duplicate-object-key': 'silent' },
});

/**
 * V8 keeps a script's source in memory, in one byte per character only when every character
 * fits in Latin-1. esbuild leaves validator's locale regexes (Cyrillic, CJK, …) as they are, so
 * the 7.7 MB bundle was held as 15 MB of two-byte text; as \u escapes (the same regexes, all of
 * them are regex literals) it stays one-byte: −7 MB idle RSS.
 */
const bundle = await readFile(APP, 'utf8');
const oneByte = bundle.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
if (oneByte !== bundle) await writeFile(APP, oneByte);

// The entry: Node's built-ins only, no banner (it is not the bundle the banner serves).
await build({
  entryPoints: ['dist/src/launcher.js'],
  outfile: 'dist/hostwright.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minifySyntax: true,
  logLevel: 'warning',
});
