// The web process as one file, dist/server.js, with its source map: Node reaches listening with a
// quarter fewer instructions than from the compiled modules it is made of, for it reads one file
// where it would resolve and read some three hundred (docs/performance.md). Run by `npm run build`,
// after tsc.
//
// Bundled: our code and the packages it loads at startup, each of them run bundled by `npm test`,
// which runs this file. Left as imports, resolved in node_modules when the server runs: every other
// package, and so any a user adds, which then behaves in production as in development and tests, and
// the packages our code imports on first use (the API docs, the database driver), loaded when needed.
import { readdirSync } from 'node:fs'
import { build } from 'esbuild'

const bundled = new Set([
  'fastify',
  'fastify-plugin',
  '@fastify/ajv-compiler',
  '@fastify/cors',
  '@fastify/env',
  '@fastify/error',
  '@fastify/fast-json-stringify-compiler',
  '@fastify/proxy-addr',
  '@fastify/under-pressure',
  'helmet',
  'pino',
])

const inPackage = /[\\/]node_modules[\\/]/

await build({
  // A plugin's own process (plugins/*-process.ts, as the embedded database's) is forked from the file
  // of its name beside the server's.
  entryPoints: [
    'src/server.ts',
    ...readdirSync('plugins')
      .filter((file) => file.endsWith('-process.ts'))
      .map((file) => `plugins/${file}`),
  ],
  outdir: 'dist',
  entryNames: '[name]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Stack traces need the mappings alone: the sources are in the build, beside the map.
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
  // Packages written as CommonJS call require(), which an ES module has not.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  plugins: [
    {
      name: 'bundle-only-the-starters-packages',
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, ({ path, importer }) =>
          inPackage.test(importer) || bundled.has(packageName(path)) ? undefined : { external: true },
        )
      },
    },
  ],
})

function packageName(specifier) {
  const [scope, name] = specifier.split('/')
  return scope.startsWith('@') ? `${scope}/${name}` : scope
}
