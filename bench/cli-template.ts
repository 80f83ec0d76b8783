import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The official CLI template, the starter users compare this one with: what `fastify generate --lang=ts`
// of this version of fastify-cli writes, with its dependencies installed from the npm registry and
// built, once, into node_modules/.cache (a new version is a new folder). It runs as its `npm start`
// runs it once built: `fastify start -l info dist/app.js`.
const FASTIFY_CLI_VERSION = '8.0.2'
const dir = fileURLToPath(
  new URL(`../../node_modules/.cache/fastify-starter/cli-template-${FASTIFY_CLI_VERSION}`, import.meta.url),
)
const built = join(dir, 'dist/app.js')

/** The template's command line, from its entry script on: generated and built on the first call. */
export function cliTemplate() {
  if (!existsSync(built)) generate()
  return [join(dir, 'node_modules/fastify-cli/cli.js'), 'start', '-l', 'info', built]
}

function generate() {
  console.error(`Generating the CLI template with fastify-cli ${FASTIFY_CLI_VERSION} in ${dir}`)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, '..'), { recursive: true })
  const run = (command: string, args: string[], cwd?: string) =>
    execFileSync(command, args, { cwd, stdio: ['ignore', 2, 2] })
  try {
    run('npm', [
      'exec',
      '--yes',
      `--package=fastify-cli@${FASTIFY_CLI_VERSION}`,
      '--',
      'fastify',
      'generate',
      dir,
      '--lang=ts',
    ])
    run('npm', ['install', '--no-audit', '--no-fund'], dir)
    // Its `build:ts` is `tsc`, which stops at TS5011 with the TypeScript 6 it now installs, asking for
    // rootDir to be set: set, it builds dist/app.js, as the template means to.
    run('npx', ['tsc', '--rootDir', 'src'], dir)
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}
