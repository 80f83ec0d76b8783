import { once } from 'node:events'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import createError from '@fastify/error'

export const EmbeddedDatabaseInUseError = createError(
  'APP_EMBEDDED_DATABASE_IN_USE',
  'The embedded database in %s is in use by process %s: stop that process, or set EMBEDDED_DATABASE_DIR to another folder',
)

/** Whether the embedded database is installed: it is a development dependency, pruned in production. */
export function embeddedDatabaseInstalled() {
  try {
    import.meta.resolve('@electric-sql/pglite-socket')
    return true
  } catch {
    return false
  }
}

// The embedded database: PostgreSQL compiled to WebAssembly (PGlite), with its data in `dir`, run in
// a thread of its own and served on a loopback port, so that the app reaches it as it reaches a real
// server: the same driver, pool, SQL and errors.
export async function startEmbeddedDatabase(dir: string) {
  const unlock = lock(dir)
  try {
    if (!existsSync(join(dir, 'PG_VERSION'))) await once(inWorker(dir, 'create'), 'exit')
    const worker = inWorker(dir, 'serve')
    const [{ port }] = await once(worker, 'message')
    return {
      connection: { host: '127.0.0.1', port: port as number, user: 'postgres', database: 'postgres' },
      async stop() {
        worker.postMessage('stop')
        await once(worker, 'exit')
        unlock()
      },
    }
  } catch (error) {
    unlock()
    throw error
  }
}

// A worker that fails to open the database emits 'error', which rejects what waits for it.
function inWorker(dir: string, task: 'create' | 'serve') {
  return new Worker(new URL('./embedded-database-worker.js', import.meta.url), { workerData: { dir, task } })
}

// PGlite does not lock its folder, and two processes writing the same files would corrupt them: the
// first process to open the folder writes its pid there, and a lock whose process is gone is stale.
function lock(dir: string) {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'app.pid')
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' })
  } catch {
    const holder = Number(readFileSync(file, 'utf8'))
    if (isAlive(holder)) throw new EmbeddedDatabaseInUseError(dir, holder)
    writeFileSync(file, String(process.pid))
  }
  return () => rmSync(file, { force: true })
}

// Signal 0 tests for a process without signalling it: ESRCH, there is none.
function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
  return true
}
