import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { text } from 'node:stream/consumers'
import { fileURLToPath } from 'node:url'
import { onExit } from 'signal-exit'
import type { Test } from 'tap'
import { ConfigSchema } from '../plugins/config.js'
import { withoutLoadShedding } from './helper.js'

// The compiled programs beside this compiled test, run as the Procfile runs them: real processes
// with real sockets and real signals. The Procfile's web process is the server bundled in one file
// (scripts/bundle.js); the tests run it as `bundle`, and otherwise run the server as tsc compiled it,
// module by module, the same code, where coverage can see it.
const programs = {
  server: { nodeOptions: [], path: '../src/server.js' },
  bundle: { nodeOptions: ['--enable-source-maps'], path: '../server.js' },
  release: { nodeOptions: [], path: '../src/release.js' },
}

export type Fixture =
  | 'slow-route'
  | 'crash-routes'
  | 'failing-close'
  | 'hanging-plugin'
  | 'failing-plugin'
  | 'no-ipv6'
  | 'macos'
  | 'secret-setting'
  | 'no-embedded-database'

export interface SpawnOptions {
  /** Which program of the Procfile to run: the web server by default. */
  program?: keyof typeof programs
  /** Settings for the server's environment; no other setting reaches it from the caller's shell. */
  env?: Record<string, string>
  /** Test fixtures the server preloads: what a user's code would add to the app. */
  fixtures?: Fixture[]
  /** A command that runs node, such as setpriv with its options. */
  wrapper?: string[]
  /** The working folder, where the server looks for .env; a new empty one by default. */
  cwd?: string
}

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams
  /** Every line the server has written to stdout, parsed as JSON. */
  logs: Log[]
  stdout: () => string
  /** Everything the server wrote to stderr, once it has exited. */
  stderr: Promise<string>
  /** Resolves with the exit code: null if a signal killed the process, which ours never should. */
  exited: Promise<number | null>
}

export function spawnServer(t: Test, options: SpawnOptions = {}) {
  const { program = 'server', env = {}, fixtures = [], wrapper = [], cwd } = options
  const environment: Record<string, string | undefined> = { ...process.env, ...env }
  for (const name of Object.keys(ConfigSchema.properties)) {
    if (!(name in env)) delete environment[name]
  }
  if (program !== 'release') Object.assign(environment, withoutLoadShedding, env)
  const preloads = fixtures.flatMap((name) => [
    '--import',
    new URL(`fixtures/${name}.js`, import.meta.url).href,
  ])
  const { nodeOptions, path } = programs[program]
  const programPath = fileURLToPath(new URL(path, import.meta.url))
  // tap gives every process a test starts its loader in NODE_OPTIONS, which turns source maps on; and
  // its coverage leaves out a file mapped to node_modules. The bundle runs without it, as in production.
  const withoutTap = program === 'bundle' ? ['env', '-u', 'NODE_OPTIONS'] : []
  const argv = [...wrapper, ...withoutTap, process.execPath, ...nodeOptions, ...preloads, programPath]
  // In a process group of its own, so that what it starts goes with it.
  const child = spawn(argv.shift() as string, argv, {
    cwd: cwd ?? emptyFolder(t),
    env: environment,
    detached: true,
  })
  killAtTheEnd(t, child.pid as number)
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk
  })
  const stderr = text(child.stderr)
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  const server: ServerProcess = {
    child,
    get logs() {
      // Whole lines only: the last may still be arriving.
      return stdout
        .split('\n')
        .slice(0, -1)
        .map((line) => JSON.parse(line))
    },
    stdout: () => stdout,
    stderr,
    exited,
  }
  return server
}

/** Spawns the server on a free port and resolves once it listens, with the port it bound. */
export async function startServer(t: Test, options: SpawnOptions = {}) {
  const server = spawnServer(t, { ...options, env: { PORT: '0', ...options.env } })
  const address = await new Promise<URL>((resolve, reject) => {
    server.child.stdout.on('data', () => {
      const listening = server.logs.find((log) => String(log.msg).startsWith('Server listening at '))
      if (listening) resolve(new URL(String(listening.msg).split(' ')[3]?.replace(/:$/, '') as string))
    })
    server.exited.then((code) => reject(new Error(`server exited (${code}): ${server.stdout()}`)))
  })
  return Object.assign(server, { address, port: Number(address.port) })
}

/** Sends the server a signal and resolves with its exit code. */
export async function stop(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM') {
  server.child.kill(signal)
  return server.exited
}

// Every process group a test started, killed when the test ends, pass or fail, and when this test
// process ends, whatever ends it: tap's timeout signal, Ctrl-C, or an exception.
const groups = new Set<number>()
/* c8 ignore next 3 -- it runs as the process exits, after coverage has been taken */
onExit(() => {
  for (const group of groups) killGroup(group)
})

function killAtTheEnd(t: Test, group: number) {
  groups.add(group)
  t.teardown(() => {
    killGroup(group)
    groups.delete(group)
  })
}

function killGroup(group: number) {
  try {
    process.kill(-group, 'SIGKILL')
  } catch {
    // The group has already gone.
  }
}

type Log = Record<string, unknown>

/** Resolves with the first line the server logs with this message, or that matches. */
export function logged(server: ServerProcess, match: string | ((log: Log) => boolean)) {
  const matches = typeof match === 'string' ? (log: Log) => log.msg === match : match
  return new Promise<Log>((resolve) => {
    const check = () => {
      const log = server.logs.find(matches)
      if (log === undefined) return
      server.child.stdout.off('data', check)
      resolve(log)
    }
    server.child.stdout.on('data', check)
    check()
  })
}

function emptyFolder(t: Test) {
  const folder = mkdtempSync(join(tmpdir(), 'server-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  return folder
}
