import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, openSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

// What the benchmark and the load scripts share: starting a program as production runs it, loading
// it, and reading its memory.

export const programs = {
  app: fileURLToPath(new URL('../src/server.js', import.meta.url)),
  baseline: fileURLToPath(new URL('./baseline.js', import.meta.url)),
}
export type Program = keyof typeof programs

/** Connections the load generator keeps busy. */
export const connections = 50

/** Starts the program compiled, with NODE_ENV=production and its stdout to a file, on a free port. */
export async function start(program: Program, logFile: string) {
  const port = await freePort()
  const stdout = openSync(logFile, 'w')
  const spawned = performance.now()
  const child = spawn(process.execPath, [programs[program]], {
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', stdout, 'inherit'],
  })
  closeSync(stdout)
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  while (!(await accepts(port))) await sleep(1)
  return { child, port, exited, startupMs: performance.now() - spawned, rssMb: () => rss(child.pid) }
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
