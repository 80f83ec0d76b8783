import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect, createServer } from 'node:net'
import type { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { cliTemplate } from './cli-template.js'

// What the benchmark and the load scripts share: starting a program as production runs it, loading
// it, and reading its memory.

const compiled = (path: string) => fileURLToPath(new URL(path, import.meta.url))
export const programs = {
  /** The web process as the Procfile runs it: bundled (scripts/bundle.js), with its source map. */
  app: ['--enable-source-maps', compiled('../server.js')],
  /** The same server as tsc compiles it, module by module: what bundling earns. */
  modules: [compiled('../src/server.js')],
  baseline: [compiled('./baseline.js')],
  /** Bare Fastify logging each request as the app does. */
  logging: [compiled('./baseline.js'), '--request-log'],
  /** Bare Fastify logging as Fastify does by default: `logger: true`. */
  logger: [compiled('./baseline.js'), '--logger'],
  /** The official CLI template (bench/cli-template.ts), generated and built on first use. */
  get template() {
    return cliTemplate()
  },
}
export type Program = keyof typeof programs

/** Connections the load generator keeps busy. */
export const connections = 50

/**
 * Starts the program compiled, with NODE_ENV=production, on a free port. Its stdout is a pipe, as on
 * a platform, whose log router reads it: `log` holds the count of request lines and every other line.
 * (To a file, the exit would include pino's fsync of it: the disk's time, not the program's.)
 * `under` runs it under another program, as `valgrind --tool=callgrind`; `nodeOptions` go to Node;
 * `env` adds settings; `preload` adds modules of bench/ to preload beside routes.js.
 */
export async function start(
  program: Program,
  {
    under = [] as string[],
    nodeOptions = [] as string[],
    env = {} as Record<string, string>,
    preload = [] as string[],
  } = {},
) {
  const port = await freePort()
  const preloads = ['./routes.js', ...preload].flatMap((path) => [
    '--import',
    new URL(path, import.meta.url).href,
  ])
  // Before the clock starts: the CLI template is generated and built on its first use.
  const argv = [...under, process.execPath, ...nodeOptions, ...preloads, ...programs[program]]
  const spawned = performance.now()
  const child = spawn(argv[0] as string, argv.slice(1), {
    env: { ...process.env, ...env, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const log = readLog(child.stdout)
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  let gone = false
  exited.then(() => {
    gone = true
  })
  while (!(await accepts(port))) {
    // A program that fails to start would otherwise be waited for, and polled, forever.
    if (gone) throw new Error(`${program} exited before it listened`)
    await sleep(1)
  }
  return { child, port, exited, log, startupMs: performance.now() - spawned, rssMb: () => rss(child.pid) }
}

/** The program's log, complete once its stdout has ended. */
export interface Log {
  requestLines: number
  otherLines: string[]
  ended: Promise<unknown>
}

function readLog(stdout: Readable) {
  const log: Log = { requestLines: 0, otherLines: [], ended: once(stdout, 'end') }
  let partial = ''
  stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n')
    partial = lines.pop() as string
    for (const line of lines)
      if (line.includes('"msg":"request completed"')) log.requestLines++
      // Fastify's default second line a request, as the CLI template logs it
      else if (!line.includes('"msg":"incoming request"')) log.otherLines.push(line)
  })
  return log
}

/** Loads a server; every request must be answered 2xx, or the figures would mean nothing. */
export async function load(options: autocannon.Options) {
  const result = await autocannon({ connections, ...options })
  const failed = result.non2xx + result.errors + result.timeouts
  assert.equal(failed, 0, `${failed} of ${result.requests.total} requests failed on ${options.url}`)
  return result
}

function accepts(port: number) {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

async function freePort() {
  const server = createServer().listen(0, '::')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

/** Resident memory of a process, in MB, as ps reports it on Linux and macOS. */
function rss(pid: number | undefined) {
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' })) / 1024
}

/** The middle value; of an even number of rounds, the lower of the two in the middle. */
export function median(values: number[]) {
  return [...values].sort((a, b) => a - b)[(values.length - 1) >> 1] as number
}
